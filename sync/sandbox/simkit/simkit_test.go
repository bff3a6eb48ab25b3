package simkit

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func TestSlidingWindowRefusesThenRecovers(t *testing.T) {
	now := time.Unix(1000, 0)
	sw := NewSlidingWindow(3, 10*time.Second, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, rem, _ := sw.Allow(); !ok || rem != 2-i {
			t.Fatalf("hit %d: ok=%v remaining=%d", i, ok, rem)
		}
	}
	ok, _, retry := sw.Allow()
	if ok || retry != 10*time.Second {
		t.Fatalf("4th hit: ok=%v retry=%v, want refused with 10s", ok, retry)
	}
	now = now.Add(10 * time.Second)
	if ok, _, _ := sw.Allow(); !ok {
		t.Fatal("window did not slide")
	}
}

func TestFaultInjectorIsDeterministic(t *testing.T) {
	draw := func() []Fault {
		fi := NewFaultInjector(42, Faults{P429: 0.3, P5xx: 0.2})
		var out []Fault
		for i := 0; i < 50; i++ {
			f, _ := fi.Draw()
			out = append(out, f)
		}
		return out
	}
	a, b := draw(), draw()
	seen := map[Fault]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d differs: %v vs %v", i, a[i], b[i])
		}
		seen[a[i]] = true
	}
	if len(seen) != 3 {
		t.Fatalf("expected all three outcomes in 50 draws, got %v", seen)
	}
}

func TestAuthServerCodePKCEAndRotation(t *testing.T) {
	now := time.Unix(5000, 0)
	a := NewAuthServer(OAuthConfig{ClientID: "c", ClientSecret: "s", AccessTTL: time.Minute, RotateRefresh: true, Now: func() time.Time { return now }})
	verifier := "a-very-long-verifier-string-with-enough-entropy-1234567890"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {"c"}, "redirect_uri": {"http://localhost:1/cb"}, "state": {"xyz"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	rec := httptest.NewRecorder()
	a.HandleAuthorize(rec, httptest.NewRequest(http.MethodGet, "/authorize?"+q.Encode(), nil))
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %s lacks code/state", loc)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {"c"}, "client_secret": {"s"},
		"redirect_uri": {"http://localhost:1/cb"}, "code": {loc.Query().Get("code")}, "code_verifier": {"wrong"}}
	if _, err := a.Exchange(form, true); err == nil || err.Code != "invalid_grant" {
		t.Fatalf("wrong verifier: %v", err)
	}
	// The code is single-use, so even the right verifier now fails.
	form.Set("code_verifier", verifier)
	if _, err := a.Exchange(form, true); err == nil {
		t.Fatal("code reused")
	}
	g := a.issue([]string{"x"}, true)
	if a.Check(g.AccessToken) != TokenValid {
		t.Fatal("fresh token not valid")
	}
	now = now.Add(2 * time.Minute)
	if a.Check(g.AccessToken) != TokenExpired {
		t.Fatal("token did not expire")
	}
	rf := url.Values{"grant_type": {"refresh_token"}, "client_id": {"c"}, "client_secret": {"s"}, "refresh_token": {g.RefreshToken}}
	g2, err := a.Exchange(rf, true)
	if err != nil || g2.RefreshToken == g.RefreshToken {
		t.Fatalf("refresh: %v, rotated=%v", err, g2 != nil && g2.RefreshToken != g.RefreshToken)
	}
	if _, err := a.Exchange(rf, true); err == nil || err.Code != "invalid_grant" {
		t.Fatalf("old refresh token accepted after rotation: %v", err)
	}
}

func TestRedirectError(t *testing.T) {
	w := httptest.NewRecorder()
	RedirectError(w, httptest.NewRequest("GET", "/authorize?redirect_uri=http%3A%2F%2Flocalhost%3A53682%2Fcallback&state=s1&scope=bogus", nil), "invalid_scope", "unknown scope bogus")
	loc, _ := url.Parse(w.Header().Get("Location"))
	if w.Code != http.StatusFound || loc.Path != "/callback" || loc.Query().Get("error") != "invalid_scope" || loc.Query().Get("state") != "s1" || loc.Query().Get("error_description") != "unknown scope bogus" {
		t.Fatalf("redirect %d %q", w.Code, w.Header().Get("Location"))
	}
	w = httptest.NewRecorder()
	RedirectError(w, httptest.NewRequest("GET", "/authorize?redirect_uri=nowhere", nil), "invalid_scope", "x")
	if w.Code != http.StatusBadRequest {
		t.Fatalf("an unreadable redirect_uri got %d, want 400", w.Code)
	}
}
