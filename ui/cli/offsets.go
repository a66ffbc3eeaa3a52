package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/model"
)

func newOffsetsCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "offsets",
		Short: "Export a group's committed offsets to a file (reset --from-file imports them)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newOffsetsExportCommand(a))
	return cmd
}

func newOffsetsExportCommand(a *app) *cobra.Command {
	var topic, suffix string
	output := newOutputFlag("json", "json", "rpk")
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Print the committed offsets of the group {base}-{topic}[-{suffix}]",
		Long: `Print the committed offsets of the group {base}-{topic} (or {base}-{topic}-{suffix}
with --suffix) on its topic; partitions without a commit are left out.
reset --from-file reads either format back.

-o json (the default) is a stable format for scripts:
  {"group","topic","partitions":[{"partition","offset"}],"exported_at"}
-o rpk prints rpk's "topic partition offset" lines (rpk group seek --to-file).`,
		Example: `  kgroups offsets export --demo --topic spent_detail_topic --suffix full-index > full-index.json
  kgroups reset --demo --topic spent_detail_topic --suffix incremental --from-file full-index.json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			s, err := resolveSettings(cmd)
			if err != nil {
				return err
			}
			switch {
			case topic == "":
				return usagef("offsets export needs --topic")
			case s.Base == "":
				return usagef("offsets export needs a base group prefix to name the group: pass --base (or set %s)", envBase)
			case cmd.Flags().Changed("suffix") && suffix == "":
				return usagef("--suffix is empty: leave it out to mean the default group")
			}
			group := model.GroupName{Base: s.Base, Topic: topic, Suffix: suffix}.String()
			ctx := cmd.Context()
			conn, err := a.connect(ctx, s)
			if err != nil {
				return err
			}
			defer conn.Close()
			pos, err := conn.Cluster.Position(ctx, group, topic)
			if err != nil {
				return fmt.Errorf("read the offsets of group %s on %s: %w", group, conn.Bootstrap(), err)
			}
			f := offsetsFile{Group: group, Topic: topic, Partitions: []offsetsFilePartition{},
				ExportedAt: a.now().UTC().Format(timeLayout)}
			for _, p := range pos {
				if p.HasCommitted {
					f.Partitions = append(f.Partitions, offsetsFilePartition{Partition: p.Partition, Offset: p.Committed})
				}
			}
			if len(f.Partitions) == 0 {
				fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: group %s has no commits on %s: the export lists no partition", group, topic)))
			}
			return writeOffsetsFile(a.stdout, output.value, f)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&topic, "topic", "", "topic of the group (required)")
	f.StringVar(&suffix, "suffix", "", "export the group {base}-{topic}-{suffix} instead of the default {base}-{topic}")
	f.VarP(output, "output", "o", "output format: json or rpk")
	return cmd
}

// offsetsFile is the JSON shape of offsets export and reset --from-file.
type offsetsFile struct {
	Group      string                 `json:"group"`
	Topic      string                 `json:"topic"`
	Partitions []offsetsFilePartition `json:"partitions"`
	ExportedAt string                 `json:"exported_at"`
}

type offsetsFilePartition struct {
	Partition int32 `json:"partition"`
	Offset    int64 `json:"offset"`
}

func writeOffsetsFile(w io.Writer, format string, f offsetsFile) error {
	slices.SortFunc(f.Partitions, func(a, b offsetsFilePartition) int { return int(a.Partition) - int(b.Partition) })
	if format == "rpk" {
		var b strings.Builder
		for _, p := range f.Partitions {
			fmt.Fprintf(&b, "%s %d %d\n", f.Topic, p.Partition, p.Offset)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// readOffsetsFile reads the offsets for topic from name ("-" for stdin),
// in either format of offsets export: the JSON object, or rpk's "topic
// partition offset" lines. Every mistake is a usage error: nothing was
// attempted.
func readOffsetsFile(name string, stdin io.Reader, topic string) (map[int32]int64, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, usagef("--from-file: %v", err)
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		return parseOffsetsJSON(trimmed, topic)
	}
	return parseOffsetsRpk(data, topic)
}

func parseOffsetsJSON(data []byte, topic string) (map[int32]int64, error) {
	var f struct {
		Topic      string `json:"topic"`
		Partitions []struct {
			Partition *int32 `json:"partition"`
			Offset    *int64 `json:"offset"`
		} `json:"partitions"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, usagef("--from-file: not an offsets export: %v", err)
	}
	if f.Topic != topic {
		return nil, usagef("--from-file holds the offsets of topic %q, not %q", f.Topic, topic)
	}
	out := map[int32]int64{}
	for i, p := range f.Partitions {
		if p.Partition == nil || p.Offset == nil {
			return nil, usagef("--from-file: partitions[%d] needs \"partition\" and \"offset\"", i)
		}
		if err := addFileOffset(out, *p.Partition, *p.Offset); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, usagef("--from-file lists no partition")
	}
	return out, nil
}

func parseOffsetsRpk(data []byte, topic string) (map[int32]int64, error) {
	out := map[int32]int64{}
	var others []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 3 {
			return nil, usagef("--from-file line %d: want \"topic partition offset\" or an offsets export in JSON", n)
		}
		p, perr := strconv.ParseInt(fields[1], 10, 32)
		o, oerr := strconv.ParseInt(fields[2], 10, 64)
		if perr != nil || oerr != nil {
			return nil, usagef("--from-file line %d: partition and offset must be numbers", n)
		}
		if fields[0] != topic {
			if !slices.Contains(others, fields[0]) {
				others = append(others, fields[0])
			}
			continue
		}
		if err := addFileOffset(out, int32(p), o); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("--from-file: %v", err)
	}
	if len(others) > 0 {
		return nil, usagef("--from-file holds offsets of topic(s) %s besides %s: reset one topic at a time", strings.Join(others, ", "), topic)
	}
	if len(out) == 0 {
		return nil, usagef("--from-file lists no partition of %s", topic)
	}
	return out, nil
}

func addFileOffset(out map[int32]int64, p int32, o int64) error {
	switch {
	case p < 0 || o < 0:
		return usagef("--from-file: partition %d offset %d: both must be 0 or more", p, o)
	case hasKey(out, p):
		return usagef("--from-file: partition %d is given twice", p)
	}
	out[p] = o
	return nil
}

func hasKey(m map[int32]int64, k int32) bool {
	_, ok := m[k]
	return ok
}
