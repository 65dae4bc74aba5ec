module example.com/purego

go 1.22
