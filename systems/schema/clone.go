package schema

// clonePtr returns a pointer to a copy of *p, or nil: component arguments never share memory with
// the decoded config.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
