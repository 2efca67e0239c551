module github.com/payrec/payrec

go 1.24.0

require (
	github.com/looplab/fsm v1.0.3
	github.com/stretchr/testify v1.12.1
	golang.org/x/text v0.30.0
	pgregory.net/rapid v1.3.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
