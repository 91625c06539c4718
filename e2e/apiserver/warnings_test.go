package apiserver

import (
	"context"
	"sync"
)

// warningRecorder is the clients' rest.WarningHandlerWithContext: it adds
// each warning the server sends to the recording that the request's context
// carries, so every warning is known per request, and so per object.
type warningRecorder struct{}

type recordingKey struct{}

// recording collects the warnings of the requests made with its context.
type recording struct {
	mu       sync.Mutex
	warnings []string
}

func (warningRecorder) HandleWarningHeaderWithContext(ctx context.Context, code int, _ string, text string) {
	if code != 299 || text == "" {
		return
	}
	r, ok := ctx.Value(recordingKey{}).(*recording)
	if !ok {
		r = unattributed // checked at the end of each test
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = append(r.warnings, text)
}

// unattributed collects warnings of requests made without a recording
// (discovery, for one); a test fails if there are any.
var unattributed = &recording{}

// recordWarnings runs request with a fresh recording and returns the
// warnings the server sent for it.
func recordWarnings(ctx context.Context, request func(context.Context) error) ([]string, error) {
	r := &recording{}
	err := request(context.WithValue(ctx, recordingKey{}, r))
	return r.warnings, err
}
