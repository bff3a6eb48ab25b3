package klaviyo

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Write creates and updates profiles through bulk import jobs, one job per
// batch of up to BatchSize ops (importjob.go), or one call a profile when
// a batch has few (direct.go), then unsubscribes those
// whose consent asks for it (consent.go). It returns one Result per op, in
// order; a profile Klaviyo refused fails only its own Result, with
// Klaviyo's code, detail and the field its pointer names.
//
// A bulk import matches profiles by id, email, phone number or external
// id, so an upsert whose email Klaviyo already holds updates that profile:
// its Result has that profile's id and Created false. A plain create
// (OpCreate) is never imported onto a held email: it fails as Klaviyo's
// Create Profile does (duplicate_profile, naming the holder), and so does
// the second of two creates sharing an email.
func (c *Connector) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	for _, op := range ops {
		switch op.Kind {
		case connector.OpCreate, connector.OpUpdate, connector.OpUpsert:
		default:
			return nil, fmt.Errorf("klaviyo: write %s: unknown op kind %d", object, op.Kind)
		}
	}
	return c.write(ctx, ops)
}

// UpsertKey is email: a bulk import updates the profile holding an op's
// email, or creates one.
func (c *Connector) UpsertKey(ctx context.Context, object string) (string, error) {
	if err := checkObject(object); err != nil {
		return "", err
	}
	return fEmail, nil
}

// Upsert writes ops by keyField (email, phone_number or external_id, the
// identifiers a bulk import matches on): replayed, the same batch updates
// the profiles it created the first time.
func (c *Connector) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	switch keyField {
	case fEmail, fPhone, fExternalID:
	default:
		return nil, fmt.Errorf("klaviyo: upsert %s: %s is not an identifier Klaviyo matches profiles on (email, phone_number, external_id)", object, keyField)
	}
	res, err := connector.UpsertByKey(ctx, vendor, objProfiles, keyField, ops, c.write)
	if err != nil {
		return nil, fmt.Errorf("klaviyo: upsert %s: %w", object, err)
	}
	return res, nil
}

// write runs the batches in order.
func (c *Connector) write(ctx context.Context, ops []connector.Op) ([]connector.Result, error) {
	res := make([]connector.Result, len(ops))
	if len(ops) == 0 {
		return res, nil
	}
	props := c.knownProperties(ctx)
	for start := 0; start < len(ops); start += c.batchSize {
		end := min(len(ops), start+c.batchSize)
		if err := c.writeBatch(ctx, ops[start:end], res[start:end], props); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// knownProperties are the custom properties' types from the schema, so a
// number is written as a number; without a schema every property is text.
func (c *Connector) knownProperties(ctx context.Context) map[string]connector.FieldType {
	out := map[string]connector.FieldType{}
	sc, err := c.Schema(ctx, objProfiles)
	if err != nil {
		if c.log != nil {
			c.log.Warn("klaviyo: custom property types unknown; writing them as text", "error", err)
		}
		return out
	}
	for _, f := range sc.Fields {
		if k, ok := strings.CutPrefix(f.Name, propertiesPrefix); ok {
			out[k] = f.Type
		}
	}
	return out
}

// writeBatch writes one batch: its items through one import job (split
// on a 400 that blames no single profile), or one call each when they are
// few (direct.go), the updates that blank a field
// one PATCH each (patch.go), then the unsubscribes. Only a
// failure of the whole call is returned.
func (c *Connector) writeBatch(ctx context.Context, ops []connector.Op, res []connector.Result, props map[string]connector.FieldType) error {
	var built []item
	for i, op := range ops {
		it, rerr := buildItem(i, op, props)
		if rerr != nil {
			res[i].Err = rerr
			continue
		}
		built = append(built, it)
	}
	if err := c.keepUnsubscribes(ctx, built, res); err != nil {
		return err
	}
	var items, jobItems, patchItems []item
	for _, it := range built {
		if res[it.i].Err != nil {
			continue
		}
		i, op := it.i, it.op
		items = append(items, it)
		switch {
		case it.write && it.clears && op.Kind == connector.OpUpdate:
			patchItems = append(patchItems, it) // a job would not clear (patch.go)
		case it.write:
			jobItems = append(jobItems, it)
		default:
			res[i].ID = op.ID // nothing to import: only the consent
		}
	}
	if len(jobItems) > 0 {
		jobItems, existed, err := c.claimProfiles(ctx, jobItems, res)
		if err != nil {
			return fmt.Errorf("klaviyo: bulk import: %w", err)
		}
		switch {
		case len(jobItems) == 0:
		case directly(jobItems):
			if err := c.writeDirect(ctx, jobItems, res, existed); err != nil {
				return err
			}
		default:
			if err := c.importItems(ctx, jobItems, res, existed); err != nil {
				return fmt.Errorf("klaviyo: bulk import: %w", err)
			}
		}
	}
	if err := c.patchAll(ctx, patchItems, res); err != nil {
		return err
	}
	return c.unsubscribeAll(ctx, items, res)
}
