package store

// HoldKey marks key as used by a running Apply of s until release is called.
func HoldKey(s *Store, key string) (release func()) {
	s.mu.Lock()
	s.inflight[key] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.inflight, key)
		s.mu.Unlock()
	}
}
