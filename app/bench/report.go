package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Report is one benchmark's figures; it serializes to JSON as is.
type Report struct {
	Contacts       int             `json:"contacts"`
	ChangedPercent int             `json:"changed_percent"`
	Edited         [2]int          `json:"edited"` // records edited on HubSpot, Salesforce before the last run
	Latency        string          `json:"latency"`
	RateLimits     bool            `json:"rate_limits"`
	Sandbox        string          `json:"sandbox"` // in-process | process
	Home           string          `json:"home"`
	Machine        Machine         `json:"machine"`
	Seed           SeedFigures     `json:"seed"`
	Runs           []RunReport     `json:"runs"`
	PeakRSSMB      float64         `json:"peak_rss_mb"` // this process, whole benchmark
	SQLiteMB       float64         `json:"sqlite_mb"`   // database + WAL after the last run
	SandboxProcess *ProcessFigures `json:"sandbox_process,omitempty"`
}

// Machine is where the figures were taken.
type Machine struct {
	GOOS      string  `json:"goos"`
	GOARCH    string  `json:"goarch"`
	CPUs      int     `json:"cpus"`
	CPUModel  string  `json:"cpu_model"`
	MemoryMB  float64 `json:"memory_mb"`
	GoVersion string  `json:"go_version"`
}

// SeedFigures describe starting and seeding the sandbox, before any run.
type SeedFigures struct {
	WallSec   float64 `json:"wall_sec"`
	RSSMB     float64 `json:"rss_mb"` // this process after seeding (includes an in-process sandbox)
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// ProcessFigures are a child sandbox process's own totals.
type ProcessFigures struct {
	PID       int     `json:"pid"`
	CPUSec    float64 `json:"cpu_sec"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// RunReport is one run's figures.
type RunReport struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	RunID  int64  `json:"run_id"`
	// Plan counts.
	ReadA     int `json:"read_a"`
	ReadB     int `json:"read_b"`
	CreateA   int `json:"create_a"`
	CreateB   int `json:"create_b"`
	UpdateA   int `json:"update_a"`
	UpdateB   int `json:"update_b"`
	Linked    int `json:"linked"`
	Conflicts int `json:"conflicts"`
	Review    int `json:"review"`
	Failed    int `json:"failed"`

	Sides []SideReport `json:"sides"` // HubSpot (A), Salesforce (B)
	Calls int64        `json:"calls"`
	Floor int64        `json:"floor"`
	Ratio float64      `json:"ratio"`

	WallSec float64 `json:"wall_sec"`
	// RateFloorSec is the least time the vendors' rate limits allow for
	// this run's calls in two phases: a plan reads everything before it
	// writes anything (the preview needs the whole plan), so the read phase
	// (HubSpot search at 5/s) and the write phase (HubSpot's 190 per 10 s)
	// add up. Salesforce has no per-second limit, and both phases run the
	// two vendors at once.
	RateFloorSec float64 `json:"rate_floor_sec"`
	// RateFloorOverlapSec is the bound if reads and writes could overlap:
	// the slower of HubSpot's two limits. No plan-then-apply run reaches it.
	RateFloorOverlapSec float64 `json:"rate_floor_overlap_sec"`
	WallOverFloor       float64 `json:"wall_over_rate_floor"`
	// CPUSec is this process's user+system CPU during the run; with an
	// in-process sandbox it includes the simulated vendors' CPU.
	CPUSec        float64 `json:"cpu_sec"`
	SandboxCPUSec float64 `json:"sandbox_cpu_sec,omitempty"` // child sandbox process only
	PeakRSSMB     float64 `json:"peak_rss_mb"`               // this process, during the run
	SQLiteMB      float64 `json:"sqlite_mb"`
}

// SideReport is one vendor's calls in one run, counted by the sandbox.
type SideReport struct {
	Vendor         string           `json:"vendor"`
	Calls          int64            `json:"calls"` // API calls, OAuth token calls excluded
	ReadCalls      int64            `json:"read_calls"`
	WriteCalls     int64            `json:"write_calls"`
	OtherCalls     int64            `json:"other_calls"` // schema, version discovery
	RecordsRead    int              `json:"records_read"`
	RecordsWritten int              `json:"records_written"`
	Floor          int64            `json:"floor"`
	Ratio          float64          `json:"ratio"`
	Endpoints      map[string]int64 `json:"endpoints"`
}

// Text prints the report as a table.
func (r Report) Text(w io.Writer) {
	fmt.Fprintf(w, "crmsync bench: %d contacts per vendor, %d%% changed before run 3, latency %s, rate limits %v, sandbox %s\n",
		r.Contacts, r.ChangedPercent, r.Latency, r.RateLimits, r.Sandbox)
	fmt.Fprintf(w, "machine: %s/%s, %d CPUs, %s, %.0f MB, %s\n", r.Machine.GOOS, r.Machine.GOARCH, r.Machine.CPUs, r.Machine.CPUModel, r.Machine.MemoryMB, r.Machine.GoVersion)
	fmt.Fprintf(w, "seeding: %.1fs, RSS after seeding %.0f MB\n\n", r.Seed.WallSec, r.Seed.RSSMB)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tstatus\tread A/B\tcreate A/B\tupdate A/B\tHS calls (r/w/o)\tHS floor\tSF calls (r/w/o)\tSF floor\tcalls/floor\twall s\trate floor s (overlap)\twall/floor\tCPU s\tpeak RSS MB\tSQLite MB\t")
	for _, run := range r.Runs {
		hs, sf := run.side("hubspot"), run.side("salesforce")
		cpu := fmt.Sprintf("%.2f", run.CPUSec)
		if run.SandboxCPUSec > 0 {
			cpu += fmt.Sprintf(" (+%.2f sandbox)", run.SandboxCPUSec)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%d/%d\t%d/%d\t%d (%d/%d/%d)\t%d\t%d (%d/%d/%d)\t%d\t%.3f\t%.1f\t%.1f (%.1f)\t%.2f\t%s\t%.0f\t%.1f\t\n",
			run.Name, run.Status, run.ReadA, run.ReadB, run.CreateA, run.CreateB, run.UpdateA, run.UpdateB,
			hs.Calls, hs.ReadCalls, hs.WriteCalls, hs.OtherCalls, hs.Floor,
			sf.Calls, sf.ReadCalls, sf.WriteCalls, sf.OtherCalls, sf.Floor,
			run.Ratio, run.WallSec, run.RateFloorSec, run.RateFloorOverlapSec, run.WallOverFloor, cpu, run.PeakRSSMB, run.SQLiteMB)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\npeak RSS over the whole benchmark: %.0f MB; SQLite file: %.1f MB\n", r.PeakRSSMB, r.SQLiteMB)
	if p := r.SandboxProcess; p != nil {
		fmt.Fprintf(w, "sandbox process (not crmsync): CPU %.1f s, peak RSS %.0f MB\n", p.CPUSec, p.PeakRSSMB)
	}
	fmt.Fprintln(w, "\nendpoints per run (sandbox counters):")
	for _, run := range r.Runs {
		var parts []string
		for _, s := range run.Sides {
			ks := make([]string, 0, len(s.Endpoints))
			for k := range s.Endpoints {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			for _, k := range ks {
				parts = append(parts, fmt.Sprintf("%s %s=%d", s.Vendor, k, s.Endpoints[k]))
			}
		}
		fmt.Fprintf(w, "  %s: %s\n", run.Name, strings.Join(parts, ", "))
	}
}

func (r RunReport) side(vendor string) SideReport {
	for _, s := range r.Sides {
		if s.Vendor == vendor {
			return s
		}
	}
	return SideReport{Vendor: vendor}
}
