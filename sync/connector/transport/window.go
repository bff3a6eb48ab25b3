package transport

import (
	"net/http"
	"sync/atomic"
	"time"
)

// A vendor's rate-limit window read from its answers (Options.Window):
// when one says none are left, the next request to that window waits for
// its reset instead of drawing a 429.

func (c *Client) windowKey(req *http.Request) string {
	if c.opts.WindowKey == nil {
		return ""
	}
	return c.opts.WindowKey(req)
}

// waitWindow holds req until its window resets when the vendor said none
// were left in it; a reset beyond MaxWait is not waited for here (the
// vendor's 429 then ends the call with its own words and wait).
func (c *Client) waitWindow(req *http.Request) error {
	if c.opts.Window == nil {
		return nil
	}
	until := c.hold(req).Load()
	if until == 0 {
		return nil
	}
	d := time.Until(time.Unix(0, until))
	if d <= 0 || d > c.opts.MaxWait {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-req.Context().Done():
		return req.Context().Err()
	}
}

// noteWindow keeps the reset of a window the answer says is used up.
func (c *Client) noteWindow(req *http.Request, resp *http.Response, err error) {
	if c.opts.Window == nil || err != nil || resp == nil {
		return
	}
	left, reset, ok := c.opts.Window(resp)
	if !ok {
		return
	}
	h := c.hold(req)
	if left > 0 {
		h.Store(0)
		return
	}
	h.Store(time.Now().Add(reset).UnixNano())
}

// hold is the reset time of req's window, shared by the connection's
// sessions (0 = not held).
func (c *Client) hold(req *http.Request) *atomic.Int64 {
	return c.holds.Mark("window " + c.windowKey(req))
}
