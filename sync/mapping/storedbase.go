package mapping

import "github.com/crmsync/crmsync/sync/connector"

// BaseInForm is bv, a base stored for the row, in the canonical form the
// row gives its values now, for a row whose form follows how its vendor
// stores a value: an address HubSpot keeps lower-cased (lowerRow), a
// number a column keeps at its places (Field.Scale). An earlier crmsync,
// not knowing that, stored such a base as read ("Ada@Example.com",
// 1234.5678); compared as stored, the side that still holds it unchanged
// read as edited, and a real edit on the other side as a conflict that
// could write the old value back over it. Other bases are unchanged.
func (r Row) BaseInForm(bv string) string {
	if r.c == nil || len(r.c.b) != 1 || Blank(bv) || !storedInForm(r.c.b[0]) {
		return bv
	}
	if v, err := normType(bv, r.c.b[0], false); err == nil {
		return v
	}
	return bv
}

// storedInForm says whether the vendor stores f's values in a form of
// their own: lower-cased, or rounded to places the field names itself.
func storedInForm(f connector.Field) bool {
	return f.Lower || f.Type == connector.TypeNumber && f.ScaleBy == "" && f.Scale != 0
}
