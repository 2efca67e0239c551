package money_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/payrec/payrec/money"
)

// Package-level operands and sinks keep the compiler from folding the
// work into constants or dropping it as dead code; every benchmark reads
// its operands from variables and writes its result to a sink.
var (
	benchX, benchY int64 = 1000, 250
	benchA, benchB       = money.New(1000, usd), money.New(250, usd)

	sinkInt    int64
	sinkAmount money.Amount
	sinkErr    error
	sinkBytes  []byte

	errBenchOverflow = errors.New("overflow")
)

// BenchmarkInt64AddChecked is the baseline for BenchmarkAdd: a bare int64
// addition with the same overflow check, in the same shape of loop.
func BenchmarkInt64AddChecked(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		x, y := benchX, benchY
		s := x + y
		var err error
		if (x^s)&(y^s) < 0 {
			err = errBenchOverflow
		}
		sinkInt, sinkErr = s, err
	}
}

func BenchmarkAdd(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := benchA.Add(benchB)
		sinkAmount, sinkErr = s, err
	}
}

func BenchmarkSub(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, err := benchA.Sub(benchB)
		sinkAmount, sinkErr = d, err
	}
}

func BenchmarkMarshalJSON(b *testing.B) {
	a := money.New(math.MinInt64, usd)
	b.ReportAllocs()
	for b.Loop() {
		out, err := a.MarshalJSON()
		sinkBytes, sinkErr = out, err
	}
}

func BenchmarkUnmarshalJSON(b *testing.B) {
	data := []byte(`{"currency":"usd","value":1000}`)
	b.ReportAllocs()
	for b.Loop() {
		var a money.Amount
		sinkErr = a.UnmarshalJSON(data)
		sinkAmount = a
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkAmount, sinkErr = money.Parse("-1234567.89", usd)
	}
}

func BenchmarkString(b *testing.B) {
	var s string
	b.ReportAllocs()
	for b.Loop() {
		s = benchA.String()
	}
	sinkBytes = []byte(s)
}

// BenchmarkEncodingJSON measures an Amount inside encoding/json, which
// adds its own reflection and validation around the methods.
func BenchmarkEncodingJSON(b *testing.B) {
	data := []byte(`{"currency":"usd","value":1000}`)
	b.Run("Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes, sinkErr = json.Marshal(benchA)
		}
	})
	b.Run("Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a money.Amount
			sinkErr = json.Unmarshal(data, &a)
			sinkAmount = a
		}
	})
}
