// Command worker processes the shop's orders.
package main

import (
	"fmt"

	"example.com/shop/internal/store"
)

func main() {
	fmt.Println("worker", store.Name)
}
