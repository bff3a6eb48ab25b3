package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// partialEchoTransport answers HubSpot's contact batch writes with a 207,
// the partial success HubSpot sends when some inputs fail, whose per-record
// errors[].message echoes the request's Authorization header, as vendors
// that quote input might.
type partialEchoTransport struct{ echoedSecret }

func (e *partialEchoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	auth := r.Header.Get("Authorization")
	if r.Method != http.MethodPost || !strings.Contains(r.URL.Path, "/contacts/batch/") || auth == "" || r.Body == nil {
		return http.DefaultTransport.RoundTrip(r)
	}
	e.note(strings.TrimPrefix(auth, "Bearer "))
	var in struct {
		Inputs []struct {
			ID    string `json:"id"`
			Trace string `json:"objectWriteTraceId"`
		} `json:"inputs"`
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	_ = json.Unmarshal(b, &in)
	errs := []map[string]any{}
	for _, i := range in.Inputs {
		ctx := map[string][]string{"ids": {i.ID}}
		if i.Trace != "" {
			ctx = map[string][]string{"objectWriteTraceId": {i.Trace}}
		}
		errs = append(errs, map[string]any{"status": "error", "category": "VALIDATION_ERROR",
			"message": "Invalid input for " + i.ID + "; request headers were Authorization: " + auth, "context": ctx})
	}
	body, _ := json.Marshal(map[string]any{"status": "COMPLETE", "results": []any{}, "errors": errs, "numErrors": len(errs)})
	return &http.Response{StatusCode: http.StatusMultiStatus, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// TestPartialSuccessEchoingTokenNotStored: a 207 partial success whose
// per-record message echoes the bearer token must not carry it into the
// run's errors, the log, the run's detail or any file of the data folder.
func TestPartialSuccessEchoingTokenNotStored(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 5, 6)
	et := &partialEchoTransport{}
	a := openLoggedApp(t, et)
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, a.App, app.DemoSync("contacts", "hs", "sf"))
	res, runErr := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	tok := et.secret()
	if len(tok) < 8 || res.Summary == nil || res.Summary.Failed == 0 {
		t.Fatalf("no batch write failed per record (run: %v %+v)", runErr, res.Summary)
	}
	if log := logFileText(t, a.App); !strings.Contains(log, "records failed") || !strings.Contains(log, "Invalid input for") {
		t.Errorf("the log file lacks the run's per-record failures; it holds:\n%s", log)
	}
	if leaks := a.secretLeaks("contacts", res, runErr, tok); len(leaks) > 0 {
		t.Errorf("the access token reached: %s", strings.Join(leaks, ", "))
	}
}
