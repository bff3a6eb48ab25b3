package bench

import (
	"context"
	"fmt"
	"io"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/crmsync/crmsync/app"
)

// The vendors' physical floor (issue 7): records per read page and per
// write call.
const (
	hubspotPage     = 200  // search
	hubspotBatch    = 100  // batch create / update / upsert
	salesforcePage  = 2000 // SOQL
	salesforceBatch = 200  // sObject Collections
	// HubSpot's rate limits as the sandbox enforces them.
	hubspotPerSec       = 19.0 // 190 per rolling 10 s
	hubspotSearchPerSec = 5.0
)

// meter measures one run at a time.
type meter struct {
	a   *app.App
	sb  *sandboxRun
	db  string
	out io.Writer
}

func (m meter) run(ctx context.Context, name string) (RunReport, error) {
	rep := RunReport{Name: name}
	before, err := m.sb.stats(ctx)
	if err != nil {
		return rep, err
	}
	resetPeakRSS()
	cpu0, sbCPU0 := cpuSeconds(), m.sb.procCPU()
	t0 := time.Now()
	var res app.RunResult
	var runErr error
	// The label lets a profile be split by run: pprof -tagfocus=run=initial.
	pprof.Do(ctx, pprof.Labels("run", name), func(ctx context.Context) {
		res, runErr = m.a.Run(ctx, syncName, app.RunOptions{Confirm: true, Trigger: "bench"})
	})
	rep.WallSec = since(t0)
	rep.CPUSec = cpuSeconds() - cpu0
	if m.sb.proc != nil {
		rep.SandboxCPUSec = m.sb.procCPU() - sbCPU0
	}
	rep.PeakRSSMB = mb(peakRSS())
	after, err := m.sb.stats(ctx)
	if err != nil {
		return rep, err
	}
	rep.SQLiteMB = mb(fileSize(m.db))
	if res.Plan != nil {
		c := res.Plan.Counts
		rep.ReadA, rep.ReadB, rep.CreateA, rep.CreateB, rep.UpdateA, rep.UpdateB = c.ReadA, c.ReadB, c.CreateA, c.CreateB, c.UpdateA, c.UpdateB
		rep.Linked, rep.Conflicts, rep.Review = c.Link, c.Conflicts, c.Review
	}
	if res.Summary != nil {
		rep.Status, rep.RunID, rep.Failed = res.Summary.Status, res.Summary.RunID, res.Summary.Failed
	}
	hs := side("hubspot", diff(before["hubspot"], after["hubspot"]), rep.ReadA, rep.CreateA, rep.UpdateA, hubspotPage, hubspotBatch)
	sf := side("salesforce", diff(before["salesforce"], after["salesforce"]), rep.ReadB, rep.CreateB, rep.UpdateB, salesforcePage, salesforceBatch)
	rep.Sides = []SideReport{hs, sf}
	rep.Calls, rep.Floor = hs.Calls+sf.Calls, hs.Floor+sf.Floor
	rep.Ratio = ratio(rep.Calls, rep.Floor)
	// Every HubSpot call counts against its 190 per 10 s window; search
	// calls also against 5 per second.
	read := max(float64(hs.ReadCalls)/hubspotSearchPerSec, float64(hs.ReadCalls)/hubspotPerSec)
	write := float64(hs.Calls-hs.ReadCalls) / hubspotPerSec
	rep.RateFloorSec = read + write
	rep.RateFloorOverlapSec = max(float64(hs.ReadCalls)/hubspotSearchPerSec, float64(hs.Calls)/hubspotPerSec)
	if rep.RateFloorSec > 0 {
		rep.WallOverFloor = rep.WallSec / rep.RateFloorSec
	}
	fmt.Fprintf(m.out, "run %-12s %-8s calls %d (floor %d, ratio %.3f)  wall %.1fs (rate floor %.1fs)  CPU %.1fs  peak RSS %.0f MB\n",
		name, rep.Status, rep.Calls, rep.Floor, rep.Ratio, rep.WallSec, rep.RateFloorSec, rep.CPUSec, rep.PeakRSSMB)
	if runErr != nil {
		return rep, fmt.Errorf("bench: run %s: %w", name, runErr)
	}
	if rep.Status != "success" {
		return rep, fmt.Errorf("bench: run %s ended %s", name, rep.Status)
	}
	return rep, nil
}

// side classifies one vendor's calls and computes its floor: every read
// needs at least one call, then ceil(read/page) + ceil(created/batch) +
// ceil(updated/batch).
func side(vendor string, eps map[string]int64, read, created, updated, page, batch int) SideReport {
	s := SideReport{Vendor: vendor, Endpoints: eps, RecordsRead: read, RecordsWritten: created + updated}
	for ep, n := range eps {
		switch endpointKind(ep) {
		case "oauth":
			continue
		case "read":
			s.ReadCalls += n
		case "write":
			s.WriteCalls += n
		default:
			s.OtherCalls += n
		}
		s.Calls += n
	}
	s.Floor = max(1, ceil(read, page)) + ceil(created, batch) + ceil(updated, batch)
	s.Ratio = ratio(s.Calls, s.Floor)
	return s
}

// endpointKind sorts a sandbox endpoint key ("METHOD /path") into oauth,
// read, write or other.
func endpointKind(ep string) string {
	method, path, _ := strings.Cut(ep, " ")
	switch {
	case strings.Contains(path, "/oauth"):
		return "oauth"
	case strings.HasSuffix(path, "/search"), strings.Contains(path, "/query"):
		return "read"
	case strings.HasSuffix(path, "/batch/read"):
		return "other" // a lookup by id, not a page of changes
	case method == "POST" || method == "PATCH" || method == "DELETE":
		return "write"
	}
	return "other"
}

func diff(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

func ceil(n, size int) int64 { return int64((n + size - 1) / size) }

func ratio(calls, floor int64) float64 {
	if floor == 0 {
		return 0
	}
	return float64(calls) / float64(floor)
}
