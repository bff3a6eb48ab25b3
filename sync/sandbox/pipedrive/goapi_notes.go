package pipedrive

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The Go API of notes, for seeding and tests.

// Note is a Go-side snapshot of a note. UserID is its author.
type Note struct {
	ID       int64
	Content  string // HTML
	PersonID int64  // 0 = none
	OrgID    int64  // 0 = none
	DealID   int64  // 0 = none
	UserID   int64
	Added    time.Time // add_time
	Updated  time.Time // update_time
	Deleted  bool      // active_flag false
}

// NoteSeed is one trusted note for SeedNotes, written by the sandbox user. At least one
// of PersonID, OrgID and DealID is set, and each set one must exist.
type NoteSeed struct {
	Content  string
	PersonID int64
	OrgID    int64
	DealID   int64
	Added    time.Time // zero = now
	Updated  time.Time // zero = Added
}

func noteOf(r *record) Note {
	n := r.note
	return Note{ID: r.id, Content: n.content, PersonID: n.personID, OrgID: r.orgID, DealID: n.dealID,
		UserID: r.ownerID, Added: r.addTime, Updated: r.updateTime, Deleted: r.deleted}
}

// CreateNote adds a note through the same validation as POST /v1/notes; body has the
// request's JSON shape (content, person_id, org_id, deal_id, add_time...).
func (s *Sim) CreateNote(body map[string]any) (Note, error) {
	raw, err := toBody(body)
	if err != nil {
		return Note{}, fmt.Errorf("pipedrive sim: create note: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, aerr := s.createNoteLocked(raw)
	if aerr != nil {
		return Note{}, fmt.Errorf("pipedrive sim: create note: %w", aerr)
	}
	return noteOf(r), nil
}

// UpdateNote edits a note as PUT /v1/notes/{id} does (update_time moves).
func (s *Sim) UpdateNote(id int64, body map[string]any) (Note, error) {
	raw, err := toBody(body)
	if err != nil {
		return Note{}, fmt.Errorf("pipedrive sim: update note %d: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, aerr := s.updateNoteLocked(id, raw)
	if aerr != nil {
		return Note{}, fmt.Errorf("pipedrive sim: update note %d: %w", id, aerr)
	}
	return noteOf(r), nil
}

// DeleteNote marks a note deleted as DELETE /v1/notes/{id} does.
func (s *Sim) DeleteNote(id int64) error { return s.remove(kindNote, id) }

// GetNote returns a note by id, deleted ones included.
func (s *Sim) GetNote(id int64) (Note, bool) { return lookup(s, s.notes, id, noteOf) }

// CountNotes returns the number of notes not deleted.
func (s *Sim) CountNotes() int { s.mu.RLock(); defer s.mu.RUnlock(); return s.notes.live }

// Notes returns every note, deleted ones included, in id order.
func (s *Sim) Notes() []Note { return all(s, s.notes, noteOf) }

// SeedNotes bulk-loads trusted notes without HTTP or per-request overhead and returns
// their ids. Persons, organizations and deals must be seeded first.
func (s *Sim) SeedNotes(rows []NoteSeed) ([]int64, error) {
	return seedRows(s, kindNote, rows, func(r *record, row NoteSeed) error {
		if strings.TrimSpace(row.Content) == "" {
			return errors.New(noteContentMissing)
		}
		if row.PersonID == 0 && row.OrgID == 0 && row.DealID == 0 {
			return errors.New("a note needs a person, an organization or a deal")
		}
		if err := cmp.Or(s.seedLink(kindPerson, row.PersonID), s.seedLink(kindOrg, row.OrgID), s.seedLink(kindDeal, row.DealID)); err != nil {
			return err
		}
		r.ownerID = s.opts.UserID
		r.orgID = row.OrgID
		r.addTime, r.updateTime = s.seedTimes(row.Added, row.Updated)
		r.note = &noteData{content: row.Content, personID: row.PersonID, dealID: row.DealID, lastUpdateUserID: s.opts.UserID}
		return nil
	})
}
