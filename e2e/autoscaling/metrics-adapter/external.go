package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/klog/v2"
	"k8s.io/metrics/pkg/apis/external_metrics"

	"sigs.k8s.io/custom-metrics-apiserver/pkg/provider"
)

// externalStore is a provider.ExternalMetricsProvider whose values are set
// over HTTP: one series per namespace, metric name and label set, as a queue
// exporter would publish one per queue. A series set to 0 is served as an
// explicit 0: the HPA treats an empty list as an error (FailedGetExternalMetric)
// and would never scale to zero on it.
type externalStore struct {
	mu     sync.RWMutex
	series map[seriesKey]external_metrics.ExternalMetricValue
}

type seriesKey struct {
	namespace, metric string
	labels            string // labels.Set.String(): sorted k=v,k=v
}

func newExternalStore() *externalStore {
	return &externalStore{series: map[seriesKey]external_metrics.ExternalMetricValue{}}
}

// metricKey: metric names in URLs are case-insensitive here, since clients
// disagree on whether to lower-case them.
func metricKey(name string) string { return strings.ToLower(name) }

// GetExternalMetric returns every series of the metric in the namespace whose
// labels match the selector, or NotFound if there is none (no value was ever
// written: an unknown metric, not a zero).
func (s *externalStore) GetExternalMetric(_ context.Context, namespace string, selector labels.Selector, info provider.ExternalMetricInfo) (*external_metrics.ExternalMetricValueList, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := &external_metrics.ExternalMetricValueList{}
	for k, v := range s.series {
		if k.namespace == namespace && k.metric == metricKey(info.Metric) && selector.Matches(labels.Set(v.MetricLabels)) {
			list.Items = append(list.Items, *v.DeepCopy())
		}
	}
	if len(list.Items) == 0 {
		return nil, provider.NewMetricNotFoundError(schema.GroupResource{Group: external_metrics.GroupName}, info.Metric)
	}
	sort.Slice(list.Items, func(i, j int) bool {
		return labels.Set(list.Items[i].MetricLabels).String() < labels.Set(list.Items[j].MetricLabels).String()
	})
	return list, nil
}

// ListAllExternalMetrics lists the names written so far (for discovery).
func (s *externalStore) ListAllExternalMetrics() []provider.ExternalMetricInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[string]bool{}
	var infos []provider.ExternalMetricInfo
	for _, v := range s.series {
		if !seen[v.MetricName] {
			seen[v.MetricName] = true
			infos = append(infos, provider.ExternalMetricInfo{Metric: v.MetricName})
		}
	}
	return infos
}

// write handles POST /write-external-metrics/namespaces/{namespace}/{metric}?labels=k=v,k=v
// with a quantity ("40", "0", "1500m", optionally JSON-quoted) as the body:
// sets the value of the series with exactly those labels.
func (s *externalStore) write(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1024))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	value, err := resource.ParseQuantity(strings.Trim(strings.TrimSpace(string(body)), `"`))
	if err != nil {
		http.Error(w, fmt.Sprintf("body %q: %v", body, err), http.StatusBadRequest)
		return
	}
	set := labels.Set{}
	if l := r.URL.Query().Get("labels"); l != "" {
		if set, err = labels.ConvertSelectorToLabelsMap(l); err != nil {
			http.Error(w, fmt.Sprintf("labels %q: %v", l, err), http.StatusBadRequest)
			return
		}
	}
	namespace, metric := r.PathValue("namespace"), r.PathValue("metric")
	s.mu.Lock()
	s.series[seriesKey{namespace, metricKey(metric), set.String()}] = external_metrics.ExternalMetricValue{
		MetricName:   metric,
		MetricLabels: set,
		Timestamp:    metav1.Now(),
		Value:        value,
	}
	s.mu.Unlock()
	klog.V(2).Infof("external metric %s/%s{%s} = %s", namespace, metric, set, value.String())
	w.WriteHeader(http.StatusNoContent)
}
