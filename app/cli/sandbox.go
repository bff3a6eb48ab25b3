package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/sync/sandbox"
)

func (r *root) sandboxCmd() *cobra.Command {
	var (
		listen string
		opts   sandbox.Options
		noRate bool
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve simulated APIs of every CRM crmsync connects on 127.0.0.1 (no account needed)",
		Long: "Serves every vendor sandbox from one port under a prefix per vendor (/hubspot/..., /salesforce/...).\n" +
			"On start it prints one JSON line per vendor with api_base, auth_url, token_url, client_id, client_secret\n" +
			"and an access_token ready for curl. GET /_sandbox/stats returns request counts. Runs until interrupted.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, _, err := net.SplitHostPort(listen)
			if err != nil {
				return withCode(ExitUsage, fmt.Errorf("--listen %q: want HOST:PORT, e.g. 127.0.0.1:8090", listen))
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return withCode(ExitUsage, fmt.Errorf("--listen %q: the sandbox only listens on a loopback address such as 127.0.0.1", listen))
			}
			if _, err := sandbox.ParseFaults(opts.Faults); err != nil {
				return withCode(ExitUsage, fmt.Errorf("--faults: %w", err))
			}
			opts.RateLimits = !noRate
			liftMemoryLimit()
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			srv, err := sandbox.Start(ctx, listen, opts)
			if err != nil {
				var op *net.OpError
				if errors.As(err, &op) {
					return fmt.Errorf("cannot listen on %s: the port is in use or not allowed; choose another with --listen", listen)
				}
				return err
			}
			defer srv.Close()
			enc := json.NewEncoder(cmd.OutOrStdout())
			for _, v := range srv.Vendors() {
				if err := enc.Encode(v); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Sandbox serving on %s (stats: %s/_sandbox/stats). Press Ctrl+C to stop.\n", srv.URL(), srv.URL())
			<-ctx.Done()
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8090", "loopback address to serve on")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed for reproducible data")
	f.IntVar(&opts.Contacts, "contacts", 200, "contacts to seed in each vendor")
	f.StringVar(&opts.Faults, "faults", "", "fault switches, e.g. 429=0.05,5xx=0.02,latency=20ms")
	f.BoolVar(&noRate, "no-rate-limits", false, "switch off the vendors' rate limits")
	return cmd
}

// liftMemoryLimit removes main's soft memory limit, and gives the
// collector its default pacing back, for the simulators, which hold whole
// CRMs in memory (300 MB live at 100k contacts per vendor): under crmsync's
// limit their garbage collector ran without pause. A limit set with
// GOMEMLIMIT is kept.
func liftMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(math.MaxInt64)
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(100)
		}
	}
}
