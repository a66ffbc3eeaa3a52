package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka/config"
)

// newConfigCommand shows the resolved configuration: `kgroups config`.
func newConfigCommand(a *app) *cobra.Command {
	output := newOutputFlag("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show the resolved configuration and where each value came from",
		Long: `Show the configuration kgroups would connect with: each setting, its value
and its source (flag, env, file:CONTEXT or default). Passwords are never
shown, only whether one can be had and from where.

Flags win over environment variables (KGROUPS_BROKERS, KGROUPS_BASE,
KGROUPS_CONTEXT, KGROUPS_CONFIG, KGROUPS_READ_ONLY), which win over the
configuration file's context. The file lives at $XDG_CONFIG_HOME/kgroups/config.yaml
(or ~/.config/kgroups/config.yaml) unless --config or KGROUPS_CONFIG says otherwise:

  current-context: prod
  contexts:
    prod:
      brokers: [kafka-1:9093, kafka-2:9093]
      base: my-batch-consumer
      client-id: kgroups
      read-only: true
      refresh: 5s
      timeout: 10s
      tls:
        enabled: true
        ca-file: ca.pem            # relative to the file; system roots when empty
        cert-file: client.pem      # with key-file, for mTLS
        key-file: client.key
        server-name: kafka.internal
        insecure-skip-verify: false
      sasl:
        mechanism: SCRAM-SHA-512   # or PLAIN, SCRAM-SHA-256
        username: kgroups
        password-env: KAFKA_PASSWORD   # or password-file: PATH, or password-prompt: true

-o json prints [{"key","value","source"}].`,
		Example: `  kgroups config
  kgroups config --context staging -o json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			s, err := resolveSettings(cmd)
			if err != nil {
				return err
			}
			entries := s.Resolved.Entries()
			if s.Demo {
				for i := range entries {
					if entries[i].Key == "brokers" {
						entries[i] = config.Entry{Key: "brokers", Value: "(in-process demo cluster)", Source: "flag --demo"}
					}
				}
			}
			if output.value == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(entries)
			}
			return config.WriteEntries(a.stdout, entries)
		}),
	}
	cmd.Flags().VarP(output, "output", "o", "output format")
	return cmd
}
