package main

import (
	"fmt"
	"net"
	"strconv"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
)

// queueSettings are what the queue worker's ScaledObject, as the function
// rendered it, says; the scenario's expectations are computed from them.
type queueSettings struct {
	list, address         string
	redisPort             int
	max, target, fallback int
	cooldown, polling     float64
}

// gpuSettings are the GPU server's, from its ScaledObject.
type gpuSettings struct {
	serverAddress      string
	min, max, fallback int
	threshold          float64
}

func trigger(so *kedav1alpha1.ScaledObject, typ string) (kedav1alpha1.ScaleTriggers, error) {
	for _, t := range so.Spec.Triggers {
		if t.Type == typ {
			return t, nil
		}
	}
	return kedav1alpha1.ScaleTriggers{}, fmt.Errorf("ScaledObject %s has no %s trigger", so.Name, typ)
}

func intOr(p *int32, def int) int {
	if p == nil {
		return def
	}
	return int(*p)
}

// KEDA's defaults for unset fields (KEDA's documentation of ScaledObject).
const (
	kedaDefaultPolling  = 30
	kedaDefaultCooldown = 300
	kedaDefaultMax      = 100
)

func readQueueSettings(so *kedav1alpha1.ScaledObject) (queueSettings, error) {
	t, err := trigger(so, "redis")
	if err != nil {
		return queueSettings{}, err
	}
	s := queueSettings{
		list: t.Metadata["listName"], address: t.Metadata["address"],
		max:      intOr(so.Spec.MaxReplicaCount, kedaDefaultMax),
		cooldown: float64(intOr(so.Spec.CooldownPeriod, kedaDefaultCooldown)),
		polling:  float64(intOr(so.Spec.PollingInterval, kedaDefaultPolling)),
	}
	if s.target, err = strconv.Atoi(t.Metadata["listLength"]); err != nil {
		return s, fmt.Errorf("ScaledObject %s: redis listLength %q: %w", so.Name, t.Metadata["listLength"], err)
	}
	host, port, err := net.SplitHostPort(s.address)
	if err != nil || host != "127.0.0.1" {
		return s, fmt.Errorf("ScaledObject %s: redis address %q, want 127.0.0.1:PORT", so.Name, s.address)
	}
	if s.redisPort, err = strconv.Atoi(port); err != nil {
		return s, fmt.Errorf("ScaledObject %s: redis address %q: %w", so.Name, s.address, err)
	}
	if so.Spec.Fallback != nil {
		s.fallback = int(so.Spec.Fallback.Replicas) // logged: it does not engage while Redis is stopped
	}
	if s.list == "" || s.target <= 0 {
		return s, fmt.Errorf("ScaledObject %s: redis trigger without listName or a positive listLength", so.Name)
	}
	return s, nil
}

func readGPUSettings(so *kedav1alpha1.ScaledObject) (gpuSettings, error) {
	t, err := trigger(so, "prometheus")
	if err != nil {
		return gpuSettings{}, err
	}
	s := gpuSettings{serverAddress: t.Metadata["serverAddress"], min: intOr(so.Spec.MinReplicaCount, 0), max: intOr(so.Spec.MaxReplicaCount, kedaDefaultMax)}
	if so.Spec.Fallback == nil {
		return s, fmt.Errorf("ScaledObject %s has no fallback", so.Name)
	}
	s.fallback = int(so.Spec.Fallback.Replicas)
	if s.threshold, err = strconv.ParseFloat(t.Metadata["threshold"], 64); err != nil || s.threshold <= 0 {
		return s, fmt.Errorf("ScaledObject %s: prometheus threshold %q is not a positive number", so.Name, t.Metadata["threshold"])
	}
	return s, nil
}
