module git.internal/words

go 1.22
