// Package bench measures crmsync the way issue 7 defines performance: API
// calls against the vendors' physical floor, wall time against the rate-limit
// floor, engine CPU, peak memory and the SQLite file size. It drives the same
// app use cases as the GUI and CLI (OAuth connect, save, run) against the
// HubSpot and Salesforce sandboxes over real HTTP, with their real rate limits.
package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// Options tune one benchmark.
type Options struct {
	Contacts       int           // contacts seeded per vendor; default 10,000
	ChangedPercent int           // records edited on each side before run 3; default 10
	Latency        time.Duration // added by the sandbox to every API request
	Home           string        // data folder; "" = a temporary folder, removed afterwards
	Out            io.Writer     // progress lines; nil = silent
	// NoRateLimits switches the sandboxes' rate limits off (tests only).
	NoRateLimits bool
	// SandboxCommand runs the sandbox as a separate process (for example
	// {"/path/to/crmsync", "sandbox"}) so that its CPU and memory are not
	// counted as crmsync's. nil = in-process.
	SandboxCommand []string
	// CPUProfile, when set, writes a pprof CPU profile of the three runs.
	CPUProfile string
	// MemProfile, when set, writes a pprof heap profile after the runs.
	MemProfile string
	Seed       int64 // sandbox seed; default 1
}

// The sync the benchmark saves and runs.
const syncName = "bench-contacts"

// runGap separates runs: longer than the HubSpot connector's 5 s look-back
// for search-index lag, plus the Date header's one-second resolution.
const runGap = 7 * time.Second

// Run seeds the sandboxes, connects both through OAuth, saves the demo
// contacts sync, and measures four runs: the initial two-way sync; "echo",
// the first run with no outside change, which reads back the initial
// sync's own writes; "no-change", with nothing modified anywhere; and a run
// after ChangedPercent of each side was edited through the vendor API.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Contacts <= 0 {
		opts.Contacts = 10000
	}
	if opts.ChangedPercent < 0 || opts.ChangedPercent > 100 {
		return Report{}, fmt.Errorf("bench: --changed-percent must be 0..100, got %d", opts.ChangedPercent)
	}
	if opts.ChangedPercent == 0 {
		opts.ChangedPercent = 10
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	rep := Report{Contacts: opts.Contacts, ChangedPercent: opts.ChangedPercent, Latency: opts.Latency.String(),
		RateLimits: !opts.NoRateLimits, Machine: machine()}

	home := opts.Home
	if home == "" {
		tmp, err := os.MkdirTemp("", "crmsync-bench-")
		if err != nil {
			return rep, fmt.Errorf("bench: temp home: %w", err)
		}
		defer os.RemoveAll(tmp)
		home = tmp
	}
	rep.Home = home

	resetPeakRSS()
	seedStart := time.Now()
	sb, err := startSandbox(ctx, opts)
	if err != nil {
		return rep, err
	}
	defer sb.close()
	rep.Sandbox = sb.mode
	rep.Seed = SeedFigures{WallSec: since(seedStart), RSSMB: mb(currentRSS()), PeakRSSMB: mb(peakRSS())}
	fmt.Fprintf(out, "sandbox (%s) seeded %d contacts per vendor in %.1fs; RSS %.0f MB\n", sb.mode, opts.Contacts, rep.Seed.WallSec, rep.Seed.RSSMB)

	a, err := app.Open(ctx, app.Options{Home: home, Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		HTTP: &http.Client{Timeout: 5 * time.Minute}, OpenBrowser: app.FollowConsent(nil), RedirectPort: auth.AnyPort})
	if err != nil {
		return rep, fmt.Errorf("bench: open: %w", err)
	}
	defer a.Close()
	for _, v := range sb.vendors {
		name := connName(v.Vendor)
		if name == "" {
			continue
		}
		if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: v.Vendor, Name: name, ClientID: v.ClientID, ClientSecret: v.ClientSecret,
			APIBase: v.APIBase, AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: v.RevokeURL}); err != nil {
			return rep, fmt.Errorf("bench: connect %s: %w", v.Vendor, err)
		}
	}
	if err := a.SaveSync(ctx, app.DemoSync(syncName, connName("hubspot"), connName("salesforce"))); err != nil {
		return rep, fmt.Errorf("bench: save sync: %w", err)
	}

	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return rep, fmt.Errorf("bench: cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return rep, fmt.Errorf("bench: cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	db := filepath.Join(home, store.FileName)
	m := meter{a: a, sb: sb, db: db, out: out}
	steps := []struct {
		name string
		pre  func() error
	}{
		{"initial", nil},
		// The first run after any run that wrote reads those writes back
		// (every vendor reports them as modified since the cursor); they
		// merge as no-ops. The run after it is the true no-change run.
		{"echo", nil},
		{"no-change", nil},
		{fmt.Sprintf("%d%%-changed", opts.ChangedPercent), func() error {
			n, err := editPercent(ctx, a, sb, opts.ChangedPercent)
			if err == nil {
				fmt.Fprintf(out, "edited %d HubSpot and %d Salesforce records through the vendor APIs\n", n[0], n[1])
				rep.Edited = n
			}
			return err
		}},
	}
	for i, st := range steps {
		if i > 0 {
			// Space runs as a schedule would: HubSpot's search index lags
			// writes, so a read re-queries the last seconds before the
			// previous read began; runs seconds apart pay for that window.
			select {
			case <-ctx.Done():
				return rep, ctx.Err()
			case <-time.After(runGap):
			}
		}
		if st.pre != nil {
			if err := st.pre(); err != nil {
				return rep, err
			}
		}
		r, err := m.run(ctx, st.name)
		rep.Runs = append(rep.Runs, r)
		if err != nil {
			return rep, err
		}
	}
	if opts.MemProfile != "" {
		if err := writeHeapProfile(opts.MemProfile); err != nil {
			return rep, err
		}
	}
	rep.PeakRSSMB = mb(peakRSS())
	rep.SQLiteMB = mb(fileSize(db))
	if sb.proc != nil {
		rep.SandboxProcess = sb.procFigures()
	}
	return rep, nil
}

func connName(vendor string) string {
	switch vendor {
	case "hubspot":
		return "hs"
	case "salesforce":
		return "sf"
	}
	return ""
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: heap profile: %w", err)
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }

func fileSize(path string) int64 {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}
