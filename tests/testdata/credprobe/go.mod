module example.com/credprobe

go 1.22

require (
	git.internal/words v1.0.0
	mods.internal/greet v1.0.0
)
