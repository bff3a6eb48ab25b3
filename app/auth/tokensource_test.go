package auth

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

const connKey = "connection/sf/token"

func storedRefresh(t *testing.T, store TokenStore) string {
	t.Helper()
	raw, err := store.Get(context.Background(), connKey)
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	var st storedToken
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatal(err)
	}
	return st.RefreshToken
}

func TestTokenSourceRefreshRotationPersisted(t *testing.T) {
	ctx := context.Background()
	v := newTestVendor(t, "s3cret-client")
	ep := v.endpoint(true)
	store := secret.NewMemory()
	old := v.grant(true)
	if err := Save(ctx, store, connKey, old); err != nil {
		t.Fatal(err)
	}

	ts := NewTokenSource(ctx, ep, store, connKey, v.srv.Client())
	tok, err := ts.Token()
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if tok.AccessToken == old.AccessToken || !tok.Valid() {
		t.Fatal("expired token was not refreshed")
	}
	if refreshes, _ := v.stats(); refreshes != 1 {
		t.Fatalf("refreshes = %d, want 1", refreshes)
	}
	rotated := storedRefresh(t, store)
	if rotated == old.RefreshToken || rotated != tok.RefreshToken {
		t.Fatal("the store does not hold the rotated refresh token")
	}
	// Extras the refresh answer omitted are kept; the ones it sent are used.
	if ex := Extras(tok, "hub_id", "instance_url"); ex["hub_id"] != "4242" || ex["instance_url"] != v.srv.URL {
		t.Fatalf("extras after refresh = %v", ex)
	}
	// A valid token is reused without another refresh.
	if again, err := ts.Token(); err != nil || again.AccessToken != tok.AccessToken {
		t.Fatalf("second Token() = %v, %v", again, err)
	}

	// "Restart": a new source on the same store uses the persisted token and
	// can refresh with the rotated refresh token (the old one is dead).
	ts2 := NewTokenSource(ctx, ep, store, connKey, v.srv.Client())
	tok2, err := ts2.Token()
	if err != nil || tok2.AccessToken != tok.AccessToken {
		t.Fatalf("after restart Token() = %v, want the persisted access token", err)
	}
	ts2.Invalidate()
	tok3, err := ts2.Token()
	if err != nil {
		t.Fatalf("refresh after restart: %v", err)
	}
	if tok3.AccessToken == tok2.AccessToken {
		t.Fatal("Invalidate did not force a refresh")
	}
	if refreshes, _ := v.stats(); refreshes != 2 {
		t.Fatalf("refreshes = %d, want 2", refreshes)
	}
	if storedRefresh(t, store) != tok3.RefreshToken {
		t.Fatal("second rotation not persisted")
	}
}

func TestTokenSourceNonRotatingVendorKeepsRefreshToken(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	v.set(func(v *testVendor) { v.rotate = false })
	store := secret.NewMemory()
	old := v.grant(true)
	Save(context.Background(), store, connKey, old)
	tok, err := NewTokenSource(context.Background(), v.endpoint(true), store, connKey, nil).Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != old.RefreshToken || storedRefresh(t, store) != old.RefreshToken {
		t.Fatal("refresh token changed although the vendor does not rotate")
	}
}

func TestTokenSourceConcurrentSingleRefresh(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	store := secret.NewMemory()
	Save(context.Background(), store, connKey, v.grant(true))
	ts := NewTokenSource(context.Background(), v.endpoint(true), store, connKey, v.srv.Client())

	start := make(chan struct{})
	var wg sync.WaitGroup
	tokens := make([]*oauth2.Token, 10)
	errs := make([]error, 10)
	for i := range 10 {
		wg.Go(func() {
			<-start
			tokens[i], errs[i] = ts.Token()
		})
	}
	close(start)
	wg.Wait()
	for i := range 10 {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if tokens[i].AccessToken != tokens[0].AccessToken {
			t.Fatal("goroutines got different access tokens")
		}
	}
	if refreshes, _ := v.stats(); refreshes != 1 {
		t.Fatalf("refreshes = %d, want exactly 1", refreshes)
	}
}

func TestTokenSourceFailedRefreshNeedsReconnect(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	store := secret.NewMemory()
	tok := v.grant(true)
	Save(context.Background(), store, connKey, tok)
	// The grant was revoked at the vendor (uninstall, idle TTL).
	v.set(func(v *testVendor) { delete(v.refreshValid, tok.RefreshToken) })

	_, err := NewTokenSource(context.Background(), v.endpoint(true), store, connKey, nil).Token()
	if !errors.Is(err, ErrReconnectNeeded) {
		t.Fatalf("err = %v, want ErrReconnectNeeded", err)
	}
	var ve *VendorError
	if !errors.As(err, &ve) || ve.Code != "invalid_grant" {
		t.Fatalf("err = %v, want a VendorError invalid_grant", err)
	}
	if !strings.Contains(err.Error(), `connection "sf"`) || !strings.Contains(err.Error(), "testcrm") {
		t.Fatalf("error does not name the connection: %v", err)
	}
	// The vendor echoed the refresh token in its description; it is gone.
	v.assertNoSecrets(t, err)
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("expected the echoed token to be redacted: %v", err)
	}
}

func TestTokenSourceNoStoredToken(t *testing.T) {
	v := newTestVendor(t, "")
	_, err := NewTokenSource(context.Background(), v.endpoint(true), secret.NewMemory(), connKey, nil).Token()
	if !errors.Is(err, ErrReconnectNeeded) || !strings.Contains(err.Error(), `connection "sf" `) {
		t.Fatalf("err = %v, want ErrReconnectNeeded naming connection sf (not its keyring key %s)", err, connKey)
	}
}

func TestTokenSourceErrorsNeverLeakTokens(t *testing.T) {
	for _, status := range []int{500, 400} {
		v := newTestVendor(t, "s3cret-client")
		store := secret.NewMemory()
		Save(context.Background(), store, connKey, v.grant(true))
		// The vendor answers in plain text, echoing the refresh token and secret.
		v.set(func(v *testVendor) { v.failRefresh = status })
		_, err := NewTokenSource(context.Background(), v.endpoint(true), store, connKey, nil).Token()
		if err == nil {
			t.Fatalf("status %d: refresh should fail", status)
		}
		v.assertNoSecrets(t, err)
		if got := errors.Is(err, ErrReconnectNeeded); got != (status == 400) {
			t.Fatalf("status %d: ErrReconnectNeeded = %v (%v)", status, got, err)
		}
		if !strings.Contains(err.Error(), "upstream could not process") {
			t.Fatalf("status %d: vendor text missing: %v", status, err)
		}
	}
}

// failingStore refuses writes, as a locked keyring would.
type failingStore struct {
	*secret.Memory
	fail bool
}

func (s *failingStore) Set(ctx context.Context, key, value string) error {
	if s.fail {
		return secret.ErrTimeout
	}
	return s.Memory.Set(ctx, key, value)
}

func TestTokenSourceRotatedTokenNotHandedOutUntilSaved(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	store := &failingStore{Memory: secret.NewMemory()}
	old := v.grant(true)
	Save(context.Background(), store, connKey, old)
	store.fail = true
	ts := NewTokenSource(context.Background(), v.endpoint(true), store, connKey, nil)
	if _, err := ts.Token(); !errors.Is(err, secret.ErrTimeout) {
		t.Fatalf("err = %v, want the store error", err)
	}
	store.fail = false
	tok, err := ts.Token()
	if err != nil {
		t.Fatalf("after the keyring recovered: %v", err)
	}
	if refreshes, _ := v.stats(); refreshes != 1 {
		t.Fatalf("refreshes = %d: the rotated token must be kept in memory, not re-spent", refreshes)
	}
	if storedRefresh(t, store) != tok.RefreshToken || tok.RefreshToken == old.RefreshToken {
		t.Fatal("rotated refresh token was not persisted once the store worked again")
	}
}
