package auth

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestAnyPortSignsInOnBoundPort: with AnyPort the flow binds a port the
// kernel picks (no pick-close-bind race between parallel tests), names that
// port in the redirect URI, listens on 127.0.0.1 only and closes after the
// one callback.
func TestAnyPortSignsInOnBoundPort(t *testing.T) {
	v := newTestVendor(t, "")
	b := newTestBrowser(nil)
	var port int
	var onOtherIP error
	onURL := func(s string) {
		u, err := url.Parse(s)
		if err != nil {
			t.Errorf("auth URL: %v", err)
			return
		}
		ru, err := url.Parse(u.Query().Get("redirect_uri"))
		if err != nil {
			t.Errorf("redirect_uri: %v", err)
			return
		}
		port, _ = strconv.Atoi(ru.Port())
		if ip := nonLoopbackIPv4(); ip != "" && port > 0 {
			c, err := net.Dial("tcp4", net.JoinHostPort(ip, strconv.Itoa(port)))
			if err == nil {
				c.Close()
				onOtherIP = fmt.Errorf("listener answers on %s", ip)
			}
		}
	}
	tok, err := Flow{Port: AnyPort, OpenBrowser: b.open, OnURL: onURL}.Authorize(context.Background(), v.endpoint(true))
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if page := b.page(t); !strings.Contains(page, "crmsync is connected") {
		t.Fatalf("browser page = %q", page)
	}
	if !tok.Valid() {
		t.Fatal("token not usable")
	}
	if port <= 0 {
		t.Fatalf("redirect URI names no bound port (%d)", port)
	}
	if onOtherIP != nil {
		t.Fatal(onOtherIP)
	}
	if _, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/callback?code=x&state=y", port)); err == nil {
		t.Fatal("second callback was accepted; the listener should be closed")
	}
}

// nonLoopbackIPv4 is one of this machine's other addresses, or "".
func nonLoopbackIPv4() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}
