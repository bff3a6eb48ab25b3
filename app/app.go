// Package app holds crmsync's use cases: connect a CRM, save a sync, preview,
// run, review and undo. The GUI (ui/) and the CLI (app/cli) both call these,
// so there is one implementation of each. No widgets and no SQL here.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/crmsync/crmsync/app/logfile"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/schedule"
)

// Options wires the app's dependencies; main.go and tests fill it in.
type Options struct {
	Home        string       // data folder; "" = DefaultHome()
	Secrets     secret.Store // the OS keyring in production
	Vendors     []connector.Info
	HTTP        *http.Client // base client for vendor and OAuth calls
	Logger      *slog.Logger
	OpenBrowser func(ctx context.Context, url string) error // nil = never open a browser
	Now         func() time.Time
	// Zone is the machine's time zone as it is now; nil = schedule.MachineZone,
	// which follows a laptop that changes zone while the app runs.
	Zone func() *time.Location
	// RedirectPort is the loopback OAuth port (vendors match it exactly).
	RedirectPort int
	// RetryMinWait is the first back-off step of the vendors' retries
	// (connector.Account.RetryMinWait); 0 = each connector's own. Tests
	// set it small; the vendors' Retry-After and limits still apply.
	RetryMinWait time.Duration
	// LookupLag replaces HubSpot's and Pipedrive's 5 s wait for their
	// search index before a lookup after a lost create
	// (connector.Account.LookupLag); 0 = the connectors' own. Only tests
	// against a sandbox whose index does not lag set it.
	LookupLag time.Duration
	// PollFirst is the first wait before polling a vendor's asynchronous
	// job (Brevo's import, 1 s by default; connector.Account.PollFirst);
	// 0 = the connectors' own. Tests set it small.
	PollFirst time.Duration
}

// App is the use-case layer over one data folder.
type App struct {
	opts Options
	db   *store.DB
	log  *slog.Logger
	// logFile is the data folder's log (LogFileName); nil when it could not
	// be opened, and then the log goes to Options.Logger alone.
	logFile *logfile.File
	// fileLog writes to the log file alone (logReturned); nil without one.
	fileLog *slog.Logger
	// limiters are each connection's rate limiters and count of calls not
	// yet stored (*connector.Limiters, by connection id), shared by its
	// sessions: the vendor's limits and the daily budget are the
	// account's, whatever number of syncs run at once.
	limiters sync.Map
	// refreshLocks serialize each connection's token refreshes across its
	// sessions (*sync.Mutex, by keyring key): with refresh-token rotation
	// two sessions spending the same refresh token at once would lose the
	// grant for one of them.
	refreshLocks sync.Map
}

// DefaultHome is the data folder when neither --home nor CRMSYNC_HOME is set.
func DefaultHome() (string, error) {
	if h := os.Getenv("CRMSYNC_HOME"); h != "" {
		return h, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your config folder (%v); pass --home DIR", err)
	}
	return filepath.Join(dir, "crmsync"), nil
}

// Open opens the data folder's database and recovers from a crash.
func Open(ctx context.Context, opts Options) (*App, error) {
	if opts.Home == "" {
		h, err := DefaultHome()
		if err != nil {
			return nil, err
		}
		opts.Home = h
	}
	if opts.Secrets == nil {
		return nil, errors.New("app: no secret store configured")
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Zone == nil {
		opts.Zone = schedule.MachineZone
	}
	if err := os.MkdirAll(opts.Home, 0o700); err != nil {
		return nil, fmt.Errorf("the data folder %s cannot be created (%v); choose another with --home", opts.Home, errors.Unwrap(err))
	}
	probe := filepath.Join(opts.Home, ".write-test")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		return nil, fmt.Errorf("the data folder %s is not writable; fix its permissions or choose another with --home", opts.Home)
	}
	os.Remove(probe)
	db, err := store.Open(ctx, filepath.Join(opts.Home, store.FileName))
	if err != nil {
		return nil, err
	}
	a := &App{opts: opts, db: db, log: opts.Logger}
	a.openLog()
	if err := a.afterOpen(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// LogFileName is the app's log in the data folder.
const LogFileName = "crmsync.log"

// logFileMax is the log's size before it moves to crmsync.log.1, replacing
// the older one: 10 MB at most, weeks of scheduled runs' lines.
const logFileMax = 5 << 20

// openLog adds the data folder's log file, from Info up, to the logger the
// app was given (standard error, from Warn up, in main.go): a window
// started from a launcher has no terminal to read.
func (a *App) openLog() {
	f, err := logfile.Open(filepath.Join(a.opts.Home, LogFileName), logFileMax)
	if err != nil {
		a.log.Warn("the log file cannot be opened; logging to standard error only", "err", err)
		return
	}
	a.logFile = f
	file := slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})
	a.fileLog = slog.New(file)
	a.log = slog.New(slog.NewMultiHandler(a.opts.Logger.Handler(), file))
}

// Logger is the app's logger: the one it was given and its log file.
func (a *App) Logger() *slog.Logger { return a.log }

// LogPath is the log file's path, or "" when it could not be opened.
func (a *App) LogPath() string {
	if a.logFile == nil {
		return ""
	}
	return a.logFile.Path()
}

// Close closes the database and the log file.
func (a *App) Close() error {
	err := a.db.Close()
	if a.logFile != nil {
		a.logFile.Close()
	}
	return err
}

// DB exposes the store to the composition root (scheduler wiring) and tests.
func (a *App) DB() *store.DB { return a.db }

// Home is the data folder in use.
func (a *App) Home() string { return a.opts.Home }

// Vendors lists the connectable vendors.
func (a *App) Vendors() []connector.Info { return a.opts.Vendors }

func (a *App) vendor(name string) (connector.Info, error) {
	var known []string
	for _, v := range a.opts.Vendors {
		if v.Name == name {
			return v, nil
		}
		known = append(known, v.Name)
	}
	return connector.Info{}, fmt.Errorf("unknown vendor %q; known vendors: %v", name, known)
}
