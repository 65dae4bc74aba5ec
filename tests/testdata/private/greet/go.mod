module mods.internal/greet

go 1.22
