package transport

import (
	"net/http"
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
	key := c.windowKey(req)
	c.holdMu.Lock()
	until, held := c.holds[key]
	c.holdMu.Unlock()
	if !held {
		return nil
	}
	d := time.Until(until)
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
	key := c.windowKey(req)
	c.holdMu.Lock()
	defer c.holdMu.Unlock()
	if left > 0 {
		delete(c.holds, key)
		return
	}
	if c.holds == nil {
		c.holds = map[string]time.Time{}
	}
	c.holds[key] = time.Now().Add(reset)
}
