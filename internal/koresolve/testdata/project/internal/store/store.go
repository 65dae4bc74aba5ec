// Package store is not a command: a ko:// reference to it is an error.
package store

// Name is the store's name.
const Name = "orders"
