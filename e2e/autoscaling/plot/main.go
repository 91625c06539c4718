// Command plot draws the autoscaling e2e timeline (timeline.csv, written by
// ../run.sh) as a PNG: one panel per scenario, replicas on top (with the HPA
// conditions ScaledToZero and ScalingLimited as bars while they are True) and
// the scaling metric below (what the test simulated and what the HPA
// measured, against the HPA's target), all on one time axis, since the
// scenarios run at the same time.
//
//	go run . -in timeline.csv -panels panels.tsv -out autoscaling.png
//
// panels.tsv (written by run.sh) has a header line, then one line per
// scenario: name, minReplicas, maxReplicas, target, metric axis label, title.
package main

import (
	"flag"
	"fmt"
	"image/color"
	"log"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/mlpipeline-dev/mlpipeline-fn/e2e/autoscaling/timeline"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// sample is one row of timeline.csv (package timeline reads it). Unknown
// values (the HPA has no measurement yet, or none that means anything, as for
// a backlog per replica at 0 replicas) are NaN, which leaves a gap in the
// line.
type sample = timeline.Sample

// panel is one scenario's settings, from the -panels file.
type panel struct {
	name, ylabel, title string
	min, max, target    float64
}

// What the two metric lines are, by the CSV's metric column.
// For the queue, the HPA's own current value (backlog / the replicas it saw
// at its last sync) lags every scale and means nothing at 0 replicas, so the
// plot shows the backlog per ready pod instead.
var metricLegend = map[string][2]string{
	"cpu":   {"simulated load", "measured by the HPA"},
	"gpu":   {"written per pod", "pod average (HPA)"},
	"queue": {"backlog (written)", "backlog / ready pods"},
}

// Conditions drawn as bars above the replica lines, while they hold, in
// rows (slot 0 lowest): the HPA's (e2e-autoscaling); a KEDA ScaledObject's
// fallback and the outages of e2e-keda, which never share a panel with them.
var conditionBars = []struct {
	cond  string
	label string
	c     color.Color
	slot  int
}{
	{"ScaledToZero=True", "ScaledToZero=True", green, 0},
	{"ScalingLimited=True/ScaleUpLimit", "ScalingLimited=True (ScaleUpLimit)", red, 1},
	{"Fallback=True", "Fallback=True (KEDA)", orange, 0},
	{"redis=down", "Redis stopped", gray, 1},
	{"prometheus=down", "Prometheus stopped", gray, 1},
}

var (
	blue      = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	orange    = color.RGBA{0xff, 0x7f, 0x0e, 0xff}
	red       = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	green     = color.RGBA{0x2c, 0xa0, 0x2c, 0xff}
	gray      = color.Gray{0x50}
	lightGray = color.Gray{0x99}
)

func main() {
	in := flag.String("in", "timeline.csv", "timeline CSV")
	panelsFile := flag.String("panels", "panels.tsv", "scenario settings, tab-separated: scenario, min, max, target, metric axis label, title")
	out := flag.String("out", "autoscaling.png", "PNG to write")
	cols := flag.Int("cols", 3, "panels per row")
	title := flag.String("title", "MLPipeline autoscaling: the real HPA controller scales the generated Deployments (KWOK pods; metrics-server, custom and external metrics adapter)", "figure title")
	flag.Parse()

	series, err := readCSV(*in)
	if err != nil {
		log.Fatal(err)
	}
	// Panels in the order of the -panels file; every scenario of the CSV has one.
	panels, order, err := readPanels(*panelsFile)
	if err != nil {
		log.Fatal(err)
	}
	for name := range series {
		if _, ok := panels[name]; !ok {
			log.Fatalf("%s: scenario %s is not in %s", *in, name, *panelsFile)
		}
	}
	for _, name := range order {
		if len(series[name]) == 0 {
			log.Fatalf("%s: no samples of scenario %s", *in, name)
		}
	}

	// One time axis for all panels: the scenarios run at the same time.
	var tEnd float64
	for _, s := range series {
		for _, x := range s {
			tEnd = math.Max(tEnd, x.T)
		}
	}

	rows := (len(order) + *cols - 1) / *cols
	grid := make([][]*plot.Plot, 2*rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, *cols)
	}
	for i, name := range order {
		pn, s := panels[name], series[name]
		metric := s[0].Metric
		legend, ok := metricLegend[metric]
		if !ok {
			log.Fatalf("%s: scenario %s: unknown metric %q", *in, name, metric)
		}

		p := newPlot(pn.title, "replicas", tEnd)
		hline(p, pn.max, tEnd, "maxReplicas", gray)
		hline(p, pn.min, tEnd, "minReplicas", lightGray)
		addLine(p, s, func(x sample) float64 { return float64(x.Current) }, blue, false, "current (ready pods)")
		// desiredReplicas is 0 until the HPA first computes it: unknown where
		// minReplicas >= 1 makes 0 impossible.
		addLine(p, s, func(x sample) float64 {
			if x.Desired == 0 && pn.min >= 1 {
				return math.NaN()
			}
			return float64(x.Desired)
		}, orange, true, "desired (HPA)")
		for _, b := range conditionBars {
			addBar(p, s, b.cond, pn.max+0.5+0.4*float64(b.slot), b.c, b.label)
		}
		p.Y.Min, p.Y.Max = 0, pn.max+5 // headroom for the bars and the legend
		p.Y.Tick.Marker = integerTicks{}

		q := newPlot("", pn.ylabel, tEnd)
		q.X.Label.Text = "time (s)"
		yMax := pn.target
		for _, x := range s {
			for _, v := range []float64{x.Simulated, x.Measured} {
				if !math.IsNaN(v) { // math.Max would return NaN
					yMax = math.Max(yMax, v)
				}
			}
		}
		targetLabel := "HPA target"
		if metric == "queue" {
			targetLabel = "HPA target per replica"
		}
		hline(q, pn.target, tEnd, targetLabel, gray)
		measured := func(x sample) float64 { return x.Measured }
		if metric == "queue" {
			measured = func(x sample) float64 {
				if x.Current == 0 {
					return math.NaN()
				}
				return x.Simulated / float64(x.Current)
			}
		}
		addLine(q, s, measured, blue, false, legend[1])
		addLine(q, s, func(x sample) float64 { return x.Simulated }, red, true, legend[0])
		q.Y.Min, q.Y.Max = 0, yMax*1.5

		grid[2*(i / *cols)][i%*cols] = p
		grid[2*(i / *cols)+1][i%*cols] = q
	}
	// plot.Align needs a plot in every cell: empty cells get a blank one.
	for r := range grid {
		for c := range grid[r] {
			if grid[r][c] == nil {
				grid[r][c] = blank()
			}
		}
	}

	w, h := 14*vg.Centimeter*vg.Length(*cols), 15*vg.Centimeter*vg.Length(rows)
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(100))
	dc := draw.New(img)
	// Opaque white: the README may be viewed with a dark theme.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	titleStyle := draw.TextStyle{
		Color:   color.Black,
		Font:    font.From(plot.DefaultFont, 14),
		Handler: plot.DefaultTextHandler,
		XAlign:  draw.XCenter,
		YAlign:  draw.YTop,
	}
	dc.FillText(titleStyle, vg.Point{X: w / 2, Y: h - vg.Points(6)}, *title)
	body := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{Min: dc.Min, Max: vg.Point{X: dc.Max.X, Y: dc.Max.Y - vg.Points(44)}}}

	tiles := draw.Tiles{Rows: 2 * rows, Cols: *cols, PadTop: vg.Points(4), PadBottom: vg.Points(6),
		PadLeft: vg.Points(6), PadRight: vg.Points(10), PadX: vg.Points(18), PadY: vg.Points(10)}
	canvases := plot.Align(grid, tiles, body)
	for r := range grid {
		for c := range grid[r] {
			grid[r][c].Draw(canvases[r][c])
		}
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

// blank is an empty cell of the grid: no axes, no title.
func blank() *plot.Plot {
	p := plot.New()
	p.HideAxes()
	return p
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
			xys = append(xys, plotter.XY{X: x.T, Y: v})
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

// addBar draws, at height y, a thick segment over every run of samples whose
// conditions include cond (Type=Status, or Type=Status/Reason).
func addBar(p *plot.Plot, s []sample, cond string, y float64, c color.Color, label string) {
	labelled := false
	for i := 0; i < len(s); {
		if !s[i].HasCondition(cond) {
			i++
			continue
		}
		j := i
		for j+1 < len(s) && s[j+1].HasCondition(cond) {
			j++
		}
		end := s[j].T
		if j+1 < len(s) {
			end = s[j+1].T
		}
		l, err := plotter.NewLine(plotter.XYs{{X: s[i].T, Y: y}, {X: end, Y: y}})
		if err != nil {
			log.Fatal(err)
		}
		l.LineStyle.Color = c
		l.LineStyle.Width = vg.Points(4)
		p.Add(l)
		if !labelled {
			p.Legend.Add(label, l)
			labelled = true
		}
		i = j + 1
	}
}

func readPanels(path string) (map[string]panel, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	panels := map[string]panel{}
	var order []string
	for n, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			return nil, nil, fmt.Errorf("%s:%d: want 6 tab-separated fields, got %d", path, n+2, len(f))
		}
		pn := panel{name: f[0], ylabel: f[4], title: f[5]}
		for i, v := range []*float64{&pn.min, &pn.max, &pn.target} {
			if *v, err = strconv.ParseFloat(f[1+i], 64); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %w", path, n+2, err)
			}
		}
		panels[pn.name] = pn
		order = append(order, pn.name)
	}
	return panels, order, nil
}

func readCSV(path string) (map[string][]sample, error) {
	samples, err := timeline.ReadSamples(path)
	if err != nil {
		return nil, err
	}
	series := map[string][]sample{}
	for _, x := range samples {
		series[x.Scenario] = append(series[x.Scenario], x)
	}
	return series, nil
}
