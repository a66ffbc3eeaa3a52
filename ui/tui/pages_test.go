package tui

// Test helpers that look into the page stack.

// page names the kind of a page, for tests that check where the user is.
type page int

const (
	pageNone page = iota
	pageBases
	pageTopics
	pageGroups
	pagePartitions
	pageBatch
)

func (p page) String() string {
	return [...]string{"none", "bases", "topics", "groups", "partitions", "batch"}[p]
}

func kindOf(p Page) page {
	switch p.(type) {
	case basesView:
		return pageBases
	case topicsView:
		return pageTopics
	case groupsView:
		return pageGroups
	case partitionsView:
		return pagePartitions
	case batchView:
		return pageBatch
	}
	return pageNone
}

// topKind is the kind of the focused page.
func (m Model) topKind() page { return kindOf(m.top()) }

// pageOn returns the newest page of type T on the stack, else the newest
// one left, or the zero value.
func pageOn[T Page](m Model) T {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if p, ok := m.stack[i].page.(T); ok {
			return p
		}
	}
	for i := len(m.closed) - 1; i >= 0; i-- {
		if p, ok := m.closed[i].(T); ok {
			return p
		}
	}
	var zero T
	return zero
}

func (m Model) basesPage() basesView           { return pageOn[basesView](m) }
func (m Model) topicsPage() topicsView         { return pageOn[topicsView](m) }
func (m Model) groupsPage() groupsView         { return pageOn[groupsView](m) }
func (m Model) partitionsPage() partitionsView { return pageOn[partitionsView](m) }
func (m Model) batchPage() batchView           { return pageOn[batchView](m) }
