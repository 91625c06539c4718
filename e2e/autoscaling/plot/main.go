// Command plot draws the autoscaling e2e timeline (timeline.csv, written by
// ../run.sh) as a PNG: one column per scenario, replicas on top and CPU
// utilisation (simulated load and what the HPA measured) below, on a shared
// time axis so the scenarios can be compared.
//
//	go run . -in timeline.csv -out autoscaling.png -target 50 -min 1 -max 5 -request-milli 500 \
//	  -describe 'ml-cpu=default scale-up;ml-stepwise=scale-up 1 pod / 15 s'
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// sample is one row of timeline.csv. util is NaN while the HPA reports the
// utilisation as unknown (no metrics yet), which leaves a gap in its line.
type sample struct {
	t, simMilli, desired, current, util float64
}

var header = []string{"time_s", "scenario", "simulated_cpu_millicores_per_pod",
	"desired_replicas", "current_replicas", "current_cpu_utilization"}

var (
	blue      = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	orange    = color.RGBA{0xff, 0x7f, 0x0e, 0xff}
	red       = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	gray      = color.Gray{0x50}
	lightGray = color.Gray{0x99}
)

func main() {
	in := flag.String("in", "timeline.csv", "timeline CSV")
	out := flag.String("out", "autoscaling.png", "PNG to write")
	target := flag.Float64("target", 50, "HPA CPU target, percent of the request")
	maxReplicas := flag.Float64("max", 5, "HPA maxReplicas")
	minReplicas := flag.Float64("min", 1, "HPA minReplicas")
	requestMilli := flag.Float64("request-milli", 500, "pod CPU request in millicores")
	describe := flag.String("describe", "", "scenario descriptions for the column titles: 'name=text;name=text'")
	title := flag.String("title", "MLPipeline autoscaling: the real HPA controller scales the generated Deployment (KWOK pods, metrics-server)", "figure title")
	flag.Parse()

	series, order, err := readCSV(*in)
	if err != nil {
		log.Fatal(err)
	}
	if len(order) == 0 {
		log.Fatalf("%s: no samples", *in)
	}
	desc := map[string]string{}
	for _, kv := range strings.Split(*describe, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			desc[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}

	// Common axes for all columns so that rise times compare at a glance.
	var tEnd, utilMax float64
	for _, s := range series {
		for _, x := range s {
			tEnd = math.Max(tEnd, x.t)
			utilMax = math.Max(utilMax, 100*x.simMilli / *requestMilli)
			if !math.IsNaN(x.util) { // math.Max would return NaN
				utilMax = math.Max(utilMax, x.util)
			}
		}
	}

	row1 := make([]*plot.Plot, len(order))
	row2 := make([]*plot.Plot, len(order))
	for i, name := range order {
		s := series[name]
		colTitle := name
		if d := desc[name]; d != "" {
			colTitle += ": " + d
		}

		p := newPlot(colTitle, "replicas", tEnd)
		hline(p, *maxReplicas, tEnd, "maxReplicas", gray)
		hline(p, *minReplicas, tEnd, "minReplicas", lightGray)
		addLine(p, s, func(x sample) float64 { return x.current }, blue, false, "current")
		// desiredReplicas is 0 until the HPA first computes it (minReplicas >= 1).
		addLine(p, s, func(x sample) float64 { return nanIf0(x.desired) }, orange, true, "desired (HPA)")
		p.Y.Min, p.Y.Max = 0, *maxReplicas+2 // headroom for the legend
		p.Y.Tick.Marker = integerTicks{}
		row1[i] = p

		q := newPlot("", "CPU per pod, % of request", tEnd)
		q.X.Label.Text = "time (s)"
		hline(q, *target, tEnd, "HPA target", gray)
		addLine(q, s, func(x sample) float64 { return x.util }, blue, false, "measured by the HPA")
		addLine(q, s, func(x sample) float64 { return 100 * x.simMilli / *requestMilli }, red, true, "simulated load")
		q.Y.Min, q.Y.Max = 0, utilMax*1.45
		row2[i] = q
	}

	const w, h = 30 * vg.Centimeter, 17 * vg.Centimeter
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110))
	dc := draw.New(img)
	// Opaque white: the README may be viewed with a dark theme.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	titleStyle := draw.TextStyle{
		Color:   color.Black,
		Font:    font.From(plot.DefaultFont, 13),
		Handler: plot.DefaultTextHandler,
		XAlign:  draw.XCenter,
		YAlign:  draw.YTop,
	}
	dc.FillText(titleStyle, vg.Point{X: w / 2, Y: h - vg.Points(6)}, *title)
	body := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{Min: dc.Min, Max: vg.Point{X: dc.Max.X, Y: dc.Max.Y - vg.Points(26)}}}

	tiles := draw.Tiles{Rows: 2, Cols: len(order), PadTop: vg.Points(4), PadBottom: vg.Points(6),
		PadLeft: vg.Points(6), PadRight: vg.Points(10), PadX: vg.Points(18), PadY: vg.Points(10)}
	canvases := plot.Align([][]*plot.Plot{row1, row2}, tiles, body)
	for i := range order {
		row1[i].Draw(canvases[0][i])
		row2[i].Draw(canvases[1][i])
	}

	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func newPlot(title, ylabel string, tEnd float64) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = font.Length(11)
	p.Y.Label.Text = ylabel
	p.X.Min, p.X.Max = 0, tEnd
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = font.Length(9)
	p.Add(plotter.NewGrid())
	return p
}

// integerTicks labels every whole number: replica counts are integers.
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for v := math.Ceil(lo); v <= hi; v++ {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ts
}

func hline(p *plot.Plot, y, tEnd float64, label string, c color.Color) {
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: y}, {X: tEnd, Y: y}})
	if err != nil {
		log.Fatal(err)
	}
	l.LineStyle.Color = c
	l.LineStyle.Width = vg.Points(1)
	l.LineStyle.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
	p.Add(l)
	p.Legend.Add(label, l)
}

// addLine plots one column of a scenario as a step line (the values change in
// steps between samples), skipping NaN (unknown) values.
func addLine(p *plot.Plot, s []sample, y func(sample) float64, c color.Color, dashed bool, label string) {
	var xys plotter.XYs
	for _, x := range s {
		if v := y(x); !math.IsNaN(v) {
			xys = append(xys, plotter.XY{X: x.t, Y: v})
		}
	}
	if len(xys) == 0 {
		return
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		log.Fatal(err)
	}
	l.StepStyle = plotter.PostStep
	l.LineStyle.Color = c
	l.LineStyle.Width = vg.Points(2)
	if dashed {
		l.LineStyle.Width = vg.Points(1.5)
		l.LineStyle.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	}
	p.Add(l)
	p.Legend.Add(label, l)
}

func readCSV(path string) (map[string][]sample, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", path, err)
	}
	if strings.Join(head, ",") != strings.Join(header, ",") {
		return nil, nil, fmt.Errorf("%s: header is %v, want %v", path, head, header)
	}
	series := map[string][]sample{}
	var order []string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		var v [5]float64
		for i, col := range []int{0, 2, 3, 4, 5} {
			if rec[col] == "" {
				v[i] = math.NaN()
				continue
			}
			if v[i], err = strconv.ParseFloat(rec[col], 64); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %s: %w", path, line, header[col], err)
			}
		}
		name := rec[1]
		if _, ok := series[name]; !ok {
			order = append(order, name)
		}
		series[name] = append(series[name], sample{t: v[0], simMilli: v[1], desired: v[2], current: v[3], util: v[4]})
	}
	for _, s := range series {
		sort.SliceStable(s, func(i, j int) bool { return s[i].t < s[j].t })
	}
	return series, order, nil
}

func nanIf0(v float64) float64 {
	if v == 0 {
		return math.NaN()
	}
	return v
}
