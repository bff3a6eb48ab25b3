package mapping

import (
	"sync"
)

// e164 converts phone numbers to E.164 for one default region, with a fast
// path for the North American shapes CRMs hold most and a memo for values
// that recur. The phonenumbers library costs about 10 µs a value (mostly
// regular expressions), and every merge canonicalizes both sides' phone.
type e164 struct {
	region string
	mu     sync.Mutex
	memo   map[string]e164Result
}

type e164Result struct {
	out string
	err error
}

// e164MemoMax bounds the memo; it is emptied when full.
const e164MemoMax = 1 << 16

func newE164(region string) *e164 {
	return &e164{region: region, memo: map[string]e164Result{}}
}

func (c *e164) convert(s string) (string, error) {
	if out, ok := fastNANP(s, c.region); ok {
		return out, nil
	}
	c.mu.Lock()
	r, ok := c.memo[s]
	c.mu.Unlock()
	if ok {
		return r.out, r.err
	}
	out, err := toE164(s, c.region)
	c.mu.Lock()
	if len(c.memo) >= e164MemoMax {
		clear(c.memo)
	}
	c.memo[s] = e164Result{out, err}
	c.mu.Unlock()
	return out, err
}

// fastNANP formats, without the library, a value that is a ten-digit North
// American number: "+1" and ten digits (any region), or ten digits alone in
// region US, separated only by spaces, hyphens, dots and parentheses, the
// area code not starting with 0 or 1. For those the library's answer is
// always "+1" and the ten digits (no national prefix to strip, ten digits
// is a possible length); TestE164FastPathMatchesLibrary holds it to that.
func fastNANP(s, region string) (string, bool) {
	var buf [12]byte
	buf[0], buf[1] = '+', '1'
	n, plus, cc := 0, false, false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			switch {
			case plus && !cc && ch == '1':
				cc = true // the country code
			case plus && !cc:
				return "", false // another country code
			case n == 10:
				return "", false
			default:
				buf[2+n] = ch
				n++
			}
		case ch == '+':
			if plus || cc || n > 0 {
				return "", false
			}
			plus = true
		case ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')':
		default:
			return "", false
		}
	}
	if n != 10 || buf[2] < '2' || (!plus && region != "US") {
		return "", false
	}
	return string(buf[:]), true
}
