module example.com/twocmds

go 1.22
