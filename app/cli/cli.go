// Package cli is crmsync's headless command line. Every command calls the
// same app use cases as the GUI; nothing here talks to a CRM or SQL directly.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
)

// Exit codes, documented in --help and the README.
const (
	ExitOK        = 0
	ExitError     = 1
	ExitUsage     = 2
	ExitConfirm   = 3 // the plan exceeds the safety limits; rerun with --yes
	ExitPartial   = 4 // some records failed
	exitCodesHelp = "Exit codes: 0 success, 1 error, 2 usage, 3 needs confirmation (rerun with --yes), 4 partial (some records failed)."
)

// Env is what the command line needs from the composition root.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader                    // nil: os.Stdin
	Secrets        func() (secret.Store, error) // the OS keyring
	Vendors        []connector.Info
	HTTP           *http.Client
	Logger         *slog.Logger
	OpenBrowser    func(ctx context.Context, url string) error
	// GUI opens the window; nil in headless builds and tests.
	GUI func(ctx context.Context, opts GUIOptions) error
}

// GUIOptions is what the root command hands the GUI.
type GUIOptions struct {
	Home string
	Demo bool
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error { return &exitError{code: code, err: err} }

type root struct {
	env  Env
	home string
	json bool
}

// Execute runs the command line and returns the process exit code.
func Execute(ctx context.Context, args []string, env Env) int {
	r := &root{env: env}
	cmd := r.command()
	cmd.SetArgs(args)
	cmd.SetOut(env.Stdout)
	cmd.SetErr(env.Stderr)
	if env.Stdin != nil {
		cmd.SetIn(env.Stdin)
	}
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.code != ExitConfirm && ee.code != ExitPartial || ee.err.Error() != "" {
			fmt.Fprintln(env.Stderr, "crmsync: "+ee.err.Error())
		}
		return ee.code
	}
	fmt.Fprintln(env.Stderr, "crmsync: "+err.Error())
	if isUsage(err) {
		return ExitUsage
	}
	return ExitError
}

// isUsage recognises cobra's own argument and flag errors.
func isUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "flag needs an argument", "invalid argument", "required flag"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func (r *root) command() *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:           "crmsync",
		Short:         "Keep your CRMs in sync, on your own laptop",
		Long:          "crmsync keeps your CRMs in sync (HubSpot, Salesforce, Pipedrive, Zoho CRM, Dynamics 365, Mailchimp, Klaviyo, Brevo): no duplicates, no loops, a preview before every change, and undo.\n\nWithout a command it opens the window.\n\n" + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := displayAvailable(); err != nil {
				return err
			}
			if r.env.GUI == nil {
				return errors.New("this build has no window; use a command (crmsync --help)")
			}
			home, err := r.homeDir()
			if err != nil {
				return err
			}
			return r.env.GUI(cmd.Context(), GUIOptions{Home: home, Demo: demo})
		},
	}
	cmd.PersistentFlags().StringVar(&r.home, "home", "", "data folder (default: $CRMSYNC_HOME or your config folder)")
	cmd.PersistentFlags().BoolVar(&r.json, "json", false, "machine-readable JSON output")
	cmd.Flags().BoolVar(&demo, "demo", false, "open the window on the built-in sandbox CRMs (no account needed)")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return withCode(ExitUsage, err) })
	cmd.AddCommand(r.sandboxCmd(), r.connectCmd(), r.connectionsCmd(), r.objectsCmd(), r.disconnectCmd())
	for _, extra := range r.extraCommands() {
		cmd.AddCommand(extra)
	}
	offMainGoroutine(cmd)
	return cmd
}

// offMainGoroutine makes every subcommand of c run on a goroutine of its
// own; only the window stays on the main one. Fyne's GLFW driver locks the
// main goroutine to the main OS thread (an init in its loop.go), so each
// time that goroutine blocks and wakes (on the network, a lock, a channel)
// the runtime hands it between two threads with a futex call each way: 1 s
// of CPU over the four runs of the 100k bench (BENCHMARKS.md, fix 34).
func offMainGoroutine(c *cobra.Command) {
	for _, sub := range c.Commands() {
		if run := sub.RunE; run != nil {
			sub.RunE = func(cmd *cobra.Command, args []string) error {
				errc := make(chan error, 1)
				go func() { errc <- run(cmd, args) }()
				return <-errc
			}
		}
		offMainGoroutine(sub)
	}
}

func (r *root) homeDir() (string, error) {
	if r.home != "" {
		return r.home, nil
	}
	return app.DefaultHome()
}

// open opens the app on the data folder; callers must Close it.
func (r *root) open(ctx context.Context) (*app.App, error) {
	home, err := r.homeDir()
	if err != nil {
		return nil, err
	}
	secrets, err := r.env.Secrets()
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, app.Options{
		Home: home, Secrets: secrets, Vendors: r.env.Vendors, HTTP: r.env.HTTP,
		Logger: r.env.Logger, OpenBrowser: r.env.OpenBrowser,
	})
}

// emit prints v as JSON with --json, else calls text.
func (r *root) emit(w io.Writer, v any, text func()) error {
	if r.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text()
	return nil
}

// displayAvailable fails early, in one sentence, where a window cannot open;
// without it the graphics driver would abort with a stack trace.
func displayAvailable() error {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no display found (DISPLAY is not set); run crmsync inside a desktop session, or use its commands without a window (crmsync --help)")
		}
	}
	return nil
}

// withApp opens the data folder for one command and closes it after.
func (r *root) withApp(fn func(cmd *cobra.Command, args []string, a *app.App) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx, stop := r.interruptible(cmd)
		defer stop()
		cmd.SetContext(ctx)
		a, err := r.open(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		return fn(cmd, args, a)
	}
}

// interruptible makes the first Ctrl+C (or SIGTERM) cancel the command's
// context, so a run stops between batches and is recorded as cancelled
// with what it committed, rather than dying mid-batch and being found
// "interrupted" by the next start. A second Ctrl+C quits at once, as in
// rclone.
func (r *root) interruptible(cmd *cobra.Command) (context.Context, func()) {
	parent := cmd.Context()
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			select {
			case <-done:
				return // the command ended; stop() cancelled ctx, no signal did
			default:
			}
			if parent.Err() == nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "crmsync: stopping after the current batch; press Ctrl+C again to quit at once")
			}
			stop() // the next signal takes its default course
		case <-done:
		}
	}()
	return ctx, func() { close(done); stop() }
}
