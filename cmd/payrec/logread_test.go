package main

import (
	"bufio"
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// record's TestLogReaderBatches holds the parallel log reader to a line by
// line decode; replay, which applies what it reads, is held here.

// TestReplayMatchesSequential holds replay's batched, parallel pipeline to
// the plainest replay there is — record.LogReader, one line after another —
// on a generated log, with one worker and with several.
func TestReplayMatchesSequential(t *testing.T) {
	var log bytes.Buffer
	require.NoError(t, genLog(bufio.NewWriter(&log), genConfig{Lines: 20_000, Records: 1_500, Seed: 13}, nil))

	var want bytes.Buffer
	rp := newReplayer()
	lr := record.NewLogReader(bytes.NewReader(log.Bytes()))
	for {
		e, err := lr.Next()
		if err == io.EOF {
			break
		}
		var rec *record.Record
		if err == nil {
			rec, err = rp.apply(e)
		}
		if err != nil {
			want.Write(payrec.Envelope(err))
		} else {
			want.Write(rec.AppendJSON(nil))
		}
		want.WriteByte('\n')
	}

	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		var got bytes.Buffer
		_, err := replay(bytes.NewReader(log.Bytes()), &got)
		runtime.GOMAXPROCS(prev)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want.Bytes(), got.Bytes()), "GOMAXPROCS=%d: output differs from a sequential replay", procs)
	}
}
