//! Well-known kinds with their group, preferred version, plural and scope.
//!
//! Explicit plurals avoid guessing (`kube`'s `from_gvk` guesses); live discovery still decides
//! which of these the cluster serves and at which version.

/// One kind the product knows how to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
}

impl KindInfo {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

macro_rules! k {
    ($kind:literal, $group:literal, $version:literal, $plural:literal, $ns:literal) => {
        KindInfo {
            kind: $kind,
            group: $group,
            version: $version,
            plural: $plural,
            namespaced: $ns,
        }
    };
}

/// Every kind the recipes, `status` and `snapshot` read.
pub const KNOWN: &[KindInfo] = &[
    k!("Namespace", "", "v1", "namespaces", false),
    k!("Node", "", "v1", "nodes", false),
    k!("Pod", "", "v1", "pods", true),
    k!("Event", "", "v1", "events", true),
    k!("Service", "", "v1", "services", true),
    k!("Endpoints", "", "v1", "endpoints", true),
    k!(
        "PersistentVolumeClaim",
        "",
        "v1",
        "persistentvolumeclaims",
        true
    ),
    k!("PersistentVolume", "", "v1", "persistentvolumes", false),
    k!("ConfigMap", "", "v1", "configmaps", true),
    k!("Secret", "", "v1", "secrets", true),
    k!("ServiceAccount", "", "v1", "serviceaccounts", true),
    k!("ResourceQuota", "", "v1", "resourcequotas", true),
    k!("Deployment", "apps", "v1", "deployments", true),
    k!("StatefulSet", "apps", "v1", "statefulsets", true),
    k!("DaemonSet", "apps", "v1", "daemonsets", true),
    k!("ReplicaSet", "apps", "v1", "replicasets", true),
    k!("Job", "batch", "v1", "jobs", true),
    k!("CronJob", "batch", "v1", "cronjobs", true),
    k!(
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        true
    ),
    k!(
        "PodDisruptionBudget",
        "policy",
        "v1",
        "poddisruptionbudgets",
        true
    ),
    k!(
        "EndpointSlice",
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        true
    ),
    k!("Ingress", "networking.k8s.io", "v1", "ingresses", true),
    k!(
        "IngressClass",
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        false
    ),
    k!(
        "NetworkPolicy",
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        true
    ),
    k!(
        "StorageClass",
        "storage.k8s.io",
        "v1",
        "storageclasses",
        false
    ),
    k!(
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        true
    ),
    k!("Role", "rbac.authorization.k8s.io", "v1", "roles", true),
    k!(
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        false
    ),
    k!(
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        false
    ),
    k!(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        false
    ),
    k!(
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        false
    ),
    k!(
        "APIService",
        "apiregistration.k8s.io",
        "v1",
        "apiservices",
        false
    ),
    k!(
        "CustomResourceDefinition",
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        false
    ),
    // Flux
    k!(
        "GitRepository",
        "source.toolkit.fluxcd.io",
        "v1",
        "gitrepositories",
        true
    ),
    k!(
        "OCIRepository",
        "source.toolkit.fluxcd.io",
        "v1",
        "ocirepositories",
        true
    ),
    k!(
        "HelmRepository",
        "source.toolkit.fluxcd.io",
        "v1",
        "helmrepositories",
        true
    ),
    k!(
        "HelmChart",
        "source.toolkit.fluxcd.io",
        "v1",
        "helmcharts",
        true
    ),
    k!("Bucket", "source.toolkit.fluxcd.io", "v1", "buckets", true),
    k!(
        "Kustomization",
        "kustomize.toolkit.fluxcd.io",
        "v1",
        "kustomizations",
        true
    ),
    k!(
        "HelmRelease",
        "helm.toolkit.fluxcd.io",
        "v2",
        "helmreleases",
        true
    ),
    // Argo CD
    k!(
        "Application",
        "argoproj.io",
        "v1alpha1",
        "applications",
        true
    ),
    k!("AppProject", "argoproj.io", "v1alpha1", "appprojects", true),
    // ARC (gha-runner-scale-set)
    k!(
        "AutoscalingRunnerSet",
        "actions.github.com",
        "v1alpha1",
        "autoscalingrunnersets",
        true
    ),
    k!(
        "EphemeralRunnerSet",
        "actions.github.com",
        "v1alpha1",
        "ephemeralrunnersets",
        true
    ),
    k!(
        "EphemeralRunner",
        "actions.github.com",
        "v1alpha1",
        "ephemeralrunners",
        true
    ),
    k!(
        "AutoscalingListener",
        "actions.github.com",
        "v1alpha1",
        "autoscalinglisteners",
        true
    ),
    // MetalLB
    k!(
        "IPAddressPool",
        "metallb.io",
        "v1beta1",
        "ipaddresspools",
        true
    ),
    // cert-manager
    k!("Certificate", "cert-manager.io", "v1", "certificates", true),
    k!(
        "CertificateRequest",
        "cert-manager.io",
        "v1",
        "certificaterequests",
        true
    ),
    k!("Issuer", "cert-manager.io", "v1", "issuers", true),
    k!(
        "ClusterIssuer",
        "cert-manager.io",
        "v1",
        "clusterissuers",
        false
    ),
    k!("Order", "acme.cert-manager.io", "v1", "orders", true),
    k!(
        "Challenge",
        "acme.cert-manager.io",
        "v1",
        "challenges",
        true
    ),
    // External Secrets Operator and the 1Password operator
    k!(
        "ExternalSecret",
        "external-secrets.io",
        "v1",
        "externalsecrets",
        true
    ),
    k!(
        "SecretStore",
        "external-secrets.io",
        "v1",
        "secretstores",
        true
    ),
    k!(
        "ClusterSecretStore",
        "external-secrets.io",
        "v1",
        "clustersecretstores",
        false
    ),
    k!(
        "OnePasswordItem",
        "onepassword.com",
        "v1",
        "onepassworditems",
        true
    ),
    // The TargetApp operator (seed 004) inside `serve`
    k!(
        "TargetApp",
        "operator.kco.local",
        "v1alpha1",
        "targetapps",
        true
    ),
    // Gateway API
    k!(
        "GatewayClass",
        "gateway.networking.k8s.io",
        "v1",
        "gatewayclasses",
        false
    ),
    k!(
        "Gateway",
        "gateway.networking.k8s.io",
        "v1",
        "gateways",
        true
    ),
    k!(
        "HTTPRoute",
        "gateway.networking.k8s.io",
        "v1",
        "httproutes",
        true
    ),
    k!(
        "ReferenceGrant",
        "gateway.networking.k8s.io",
        "v1beta1",
        "referencegrants",
        true
    ),
];

/// A pseudo-kind a recipe lists in `reads()` to get every custom resource whose kind is not
/// in [`KNOWN`]: live gathering lists each such CRD's kind, a snapshot keeps those objects.
pub const CUSTOM_RESOURCES: &str = "*CustomResources";

/// True when `api_version`/`kind` is one of the [`KNOWN`] kinds (same group, not just the
/// same name: Crossplane's `Bucket` is not Flux's).
pub fn is_known(api_version: &str, kind: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    KNOWN.iter().any(|k| k.kind == kind && k.group == group)
}

/// Looks a kind up by name (case-insensitive; plurals accepted, as kubectl does).
pub fn lookup(name: &str) -> Option<&'static KindInfo> {
    let n = name.to_ascii_lowercase();
    KNOWN.iter().find(|k| {
        k.kind.eq_ignore_ascii_case(&n)
            || k.plural == n
            || short_name(k.kind).is_some_and(|s| s == n)
    })
}

/// kubectl's short names for the kinds users type most.
fn short_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Namespace" => "ns",
        "Node" => "no",
        "Pod" => "po",
        "Service" => "svc",
        "PersistentVolumeClaim" => "pvc",
        "PersistentVolume" => "pv",
        "ConfigMap" => "cm",
        "Deployment" => "deploy",
        "StatefulSet" => "sts",
        "DaemonSet" => "ds",
        "ReplicaSet" => "rs",
        "CronJob" => "cj",
        "HorizontalPodAutoscaler" => "hpa",
        "PodDisruptionBudget" => "pdb",
        "Ingress" => "ing",
        "NetworkPolicy" => "netpol",
        "Kustomization" => "ks",
        "HelmRelease" => "hr",
        "Application" => "app",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(lookup("deploy").unwrap().kind, "Deployment");
        assert_eq!(lookup("kustomizations").unwrap().kind, "Kustomization");
        assert_eq!(
            lookup("HelmRelease").unwrap().api_version(),
            "helm.toolkit.fluxcd.io/v2"
        );
        assert!(lookup("nope").is_none());
    }
}
