// Command kgroups is a terminal UI and scriptable CLI for Kafka consumer
// groups named {base}-{topic} and {base}-{topic}-{suffix}.
package main

import (
	"context"
	"os"
	"syscall"

	"github.com/kgroups/kgroups/ui/cli"
)

func main() {
	ctx, stop := cli.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
