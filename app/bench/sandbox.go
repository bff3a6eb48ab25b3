package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox"
)

// sandboxRun is the sandbox under measurement, in-process or a child
// process; everything else talks to it over HTTP only.
type sandboxRun struct {
	mode    string // in-process | process
	base    string // http://127.0.0.1:port
	vendors []sandbox.VendorInfo
	srv     *sandbox.Server
	proc    *exec.Cmd
	http    *http.Client
}

func startSandbox(ctx context.Context, opts Options) (*sandboxRun, error) {
	sb := &sandboxRun{http: &http.Client{Timeout: time.Minute}}
	if len(opts.SandboxCommand) == 0 {
		srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: opts.Seed, Contacts: opts.Contacts,
			Latency: opts.Latency, RateLimits: !opts.NoRateLimits, SalesforceDailyLimit: 10_000_000})
		if err != nil {
			return nil, fmt.Errorf("bench: start sandbox: %w", err)
		}
		sb.mode, sb.srv, sb.base, sb.vendors = "in-process", srv, srv.URL(), srv.Vendors()
		return sb, nil
	}
	args := append(append([]string{}, opts.SandboxCommand[1:]...), "--listen", "127.0.0.1:0",
		"--seed", strconv.FormatInt(opts.Seed, 10), "--contacts", strconv.Itoa(opts.Contacts),
		"--salesforce-daily-limit", "10000000")
	if opts.Latency > 0 {
		args = append(args, "--latency", opts.Latency.String())
	}
	if opts.NoRateLimits {
		args = append(args, "--no-rate-limits")
	}
	cmd := exec.Command(opts.SandboxCommand[0], args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench: sandbox process: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start sandbox process: %w", err)
	}
	sb.mode, sb.proc = "process", cmd
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for len(sb.vendors) < 2 && sc.Scan() {
		var v sandbox.VendorInfo
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			sb.close()
			return nil, fmt.Errorf("bench: sandbox process printed %q: %w", sc.Text(), err)
		}
		sb.vendors = append(sb.vendors, v)
	}
	if len(sb.vendors) < 2 {
		sb.close()
		return nil, fmt.Errorf("bench: sandbox process exited before describing its vendors")
	}
	go func() { _, _ = bufio.NewReader(stdout).WriteTo(discard{}) }()
	sb.base = strings.TrimSuffix(sb.vendors[0].APIBase, "/hubspot")
	return sb, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func (sb *sandboxRun) close() {
	if sb.srv != nil {
		_ = sb.srv.Close()
	}
	if sb.proc != nil && sb.proc.ProcessState == nil {
		_ = sb.proc.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = sb.proc.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = sb.proc.Process.Kill()
			<-done
		}
	}
}

func (sb *sandboxRun) vendor(name string) sandbox.VendorInfo {
	for _, v := range sb.vendors {
		if v.Vendor == name {
			return v
		}
	}
	return sandbox.VendorInfo{}
}

// stats reads the sandbox's own request counters.
func (sb *sandboxRun) stats(ctx context.Context) (sandbox.Stats, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sb.base+"/_sandbox/stats", nil)
	if err != nil {
		return nil, err
	}
	resp, err := sb.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bench: sandbox stats: %w", err)
	}
	defer resp.Body.Close()
	var st sandbox.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return nil, fmt.Errorf("bench: sandbox stats: %w", err)
	}
	return st, nil
}

// procCPU is the child sandbox's user+system CPU so far (Linux /proc).
func (sb *sandboxRun) procCPU() float64 {
	if sb.proc == nil {
		return 0
	}
	return procStatCPU(sb.proc.Process.Pid)
}

// procFigures are the child sandbox's totals, read before it exits.
func (sb *sandboxRun) procFigures() *ProcessFigures {
	if sb.proc == nil {
		return nil
	}
	return &ProcessFigures{PID: sb.proc.Process.Pid, CPUSec: sb.procCPU(), PeakRSSMB: mb(procHWM(sb.proc.Process.Pid))}
}
