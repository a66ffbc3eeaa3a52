// Package kafka owns every network call kgroups makes. It returns model types
// and errors, never Bubble Tea messages. It is built on franz-go's kgo and kadm
// and tested against an in-process kfake cluster.
package kafka
