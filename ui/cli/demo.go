package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka/demo"
)

// demoBase is the base group prefix of the demo cluster's groups; --demo
// uses it unless --base is given.
const demoBase = demo.Base

func newDemoCommand(a *app) *cobra.Command {
	var (
		ports      string
		noProducer bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Serve a seeded 3-broker demo cluster on loopback until Ctrl-C",
		Long: `Serve an in-process Kafka cluster on 127.0.0.1, seeded like the service's:
base ` + demo.Base + `, topic ` + demo.SpentTopic + ` read by the default group and the
full-index and incremental groups, ` + demo.UserEventsTopic + ` read by analytics and by a live
realtime-alerts member, and a slow producer so lag moves (--no-producer stops it).

Other commands reach it with --brokers, or start their own with --demo.`,
		Example: `  kgroups demo
  kgroups demo --ports 19092,19093,19094 --no-producer`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			portList, err := parsePorts(ports)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			d, err := a.startDemo(ctx, portList, noProducer)
			if err != nil {
				return err
			}
			defer d.Close()
			bootstrap := strings.Join(d.Brokers(), ",")
			fmt.Fprintf(a.stdout, "demo cluster on %s (base %s); Ctrl-C to stop\n", bootstrap, demo.Base)
			fmt.Fprintf(a.stdout, "schema registry on %s (topics %s, %s)\n", d.RegistryURL(), demo.OrdersAvroTopic, demo.PaymentsProtoTopic)
			fmt.Fprintf(a.stdout, "try: kgroups --brokers %s --base %s --schema-registry %s\n", bootstrap, demo.Base, d.RegistryURL())
			<-ctx.Done()
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&ports, "ports", "9092,9093,9094", "loopback ports of the 3 brokers, comma-separated (0 picks a free one)")
	f.BoolVar(&noProducer, "no-producer", false, "freeze the cluster: no new records, the live member neither reads nor commits")
	return cmd
}

// parsePorts parses --ports: one port per broker.
func parsePorts(s string) ([]int, error) {
	items := splitList(s)
	if len(items) != demo.Brokers {
		return nil, usagef("--ports needs %d ports, one per broker, got %q", demo.Brokers, s)
	}
	ports := make([]int, len(items))
	for i, item := range items {
		p, err := strconv.Atoi(item)
		if err != nil || p < 0 || p > 65535 {
			return nil, usagef("--ports: %q is not a port number", item)
		}
		ports[i] = p
	}
	return ports, nil
}

// startDemo starts a seeded demo cluster and its schema registry, its
// records timed up to now. Nil ports picks free ones. Close stops it.
func (a *app) startDemo(ctx context.Context, ports []int, noProducer bool) (*demo.Demo, error) {
	d, err := demo.Start(ctx, demo.Options{Ports: ports, NoProducer: noProducer, Now: a.now})
	if err != nil {
		return nil, fmt.Errorf("demo cluster: %w", err)
	}
	return d, nil
}
