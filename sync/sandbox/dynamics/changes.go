package dynamics

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Change tracking (https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems):
// "Prefer: odata.track-changes" on a collection GET returns the rows and an
// @odata.deltaLink whose $deltatoken ("<version>!<date>") returns, later, the rows created
// or changed since and a $deletedEntity entry per deleted row. The initial and delta
// responses are not paged here [unverified]; $filter/$orderby are ignored with change
// tracking [unverified].
func (s *Sim) trackChanges(t *table, op *opReq, sel []*attrDef, prefs map[string]string) *opResult {
	var since int64 = -1
	if tok := op.query.Get("$deltatoken"); tok != "" {
		v, _, _ := strings.Cut(tok, "!")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errResult(newErr(http.StatusBadRequest, codeQueryUnsupported, "The delta token is not valid.")) // [unverified]
		}
		since = n
	}
	vals := []any{}
	for _, r := range t.idIdx {
		if r.version > since {
			vals = append(vals, s.render(t, r, sel))
		}
	}
	if since >= 0 {
		for _, d := range t.deleted {
			if d.version > since {
				vals = append(vals, map[string]any{"@odata.context": op.base + apiPath + "$metadata#" + t.def.set + "/$deletedEntity",
					"id": d.id, "reason": "deleted"})
			}
		}
	}
	token := strconv.FormatInt(s.version, 10) + "!" + s.now().UTC().Format("01/02/2006 15:04:05")
	q := withoutParam(withoutParam(op.rawQuery, "$deltatoken"), "$skiptoken")
	ctx := contextURL(op.base, t.def.set, sel, false)
	if since >= 0 {
		ctx += "/$delta"
	}
	res := jsonResult(http.StatusOK, map[string]any{"@odata.context": ctx, "value": vals,
		"@odata.deltaLink": op.base + apiPath + t.def.set + "?" + q + "$deltatoken=" + url.QueryEscape(token)})
	if _, ok := prefs["odata.track-changes"]; ok {
		res.header.Set("Preference-Applied", "odata.track-changes")
	}
	return res
}
