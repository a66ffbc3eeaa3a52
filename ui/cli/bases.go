package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

func newBasesCommand(a *app) *cobra.Command {
	output := newOutputFlag("table", "table", "json")
	cmd := &cobra.Command{
		Use:   "bases",
		Short: "List the base group prefixes the cluster's group names suggest, with their group counts",
		Long: `List the bases the cluster's groups are named under: a base is a prefix that,
followed by "-", leads to an existing topic or to {topic}-{suffix}. Bases are
sorted by their number of groups, most first, as the terminal UI's base
picker shows them. lag without --base uses the only base when there is one.

-o json is a stable format for scripts:
  {"bases":[{"base","groups"}]}`,
		Example: `  kgroups bases --demo
  kgroups bases --brokers localhost:9092 -o json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			s, err := resolveSettings(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			conn, err := a.connect(ctx, s)
			if err != nil {
				return err
			}
			defer conn.Close()
			bases, err := conn.Cluster.DetectBases(ctx)
			if err != nil {
				return fmt.Errorf("list the bases on %s: %w", conn.Bootstrap(), err)
			}
			return writeBases(a.stdout, output.value, bases)
		}),
	}
	cmd.Flags().VarP(output, "output", "o", "output format: table (for people) or json (for scripts)")
	return cmd
}

// basesReport is the -o json shape of bases.
type basesReport struct {
	Bases []baseJSON `json:"bases"`
}

type baseJSON struct {
	Base   string `json:"base"`
	Groups int    `json:"groups"`
}

func writeBases(w io.Writer, format string, bases []model.BaseCount) error {
	if format == "json" {
		r := basesReport{Bases: make([]baseJSON, 0, len(bases))}
		for _, b := range bases {
			r.Bases = append(r.Bases, baseJSON{Base: b.Base, Groups: b.Groups})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	if len(bases) == 0 {
		_, err := fmt.Fprintln(w, "no group is named {base}-{topic}[-{suffix}] after a topic of this cluster")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BASE\tGROUPS")
	for _, b := range bases {
		fmt.Fprintf(tw, "%s\t%d\n", render.SanitizeLine(b.Base), b.Groups)
	}
	return tw.Flush()
}
