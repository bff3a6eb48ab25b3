package app

import (
	"context"
	"fmt"
	"strings"
)

// FieldLabels maps each field of a connection's object to the label its
// CRM shows ("MailingCity" → "Mailing City"), for texts that would
// otherwise show API names. It reads the schema through the connection's
// metadata cache, so naming fields on a screen spends no call while the
// cache holds it. A field without a label is left out.
func (a *App) FieldLabels(ctx context.Context, conn, object string) (map[string]string, error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer a.closeSession(ctx, s)
	sch, err := s.Client.Schema(ctx, object)
	if err != nil {
		return nil, fmt.Errorf("field labels of %s %s: %w", conn, object, err)
	}
	out := make(map[string]string, len(sch.Fields))
	for _, f := range sch.Fields {
		if l := strings.TrimSpace(f.Label); l != "" {
			out[f.Name] = l
		}
	}
	return out, nil
}
