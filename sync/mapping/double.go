package mapping

import "strconv"

// asDouble is n (a number normalizeNumber wrote) as a vendor that keeps
// numbers as doubles reads it back: the nearest float64, in its shortest
// form. Values of up to 15 significant digits come back as they are.
func asDouble(n string) string {
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return n // out of a double's range: the vendor refuses it, and says so
	}
	d, err := normalizeNumber(strconv.FormatFloat(f, 'e', -1, 64))
	if err != nil {
		return n
	}
	return d
}
