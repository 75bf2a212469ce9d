# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_claude_global_optspecs
    string join \n kubeconfig= context= n/namespace= A/all-namespaces o/output= snapshot= config= q/quiet request-timeout= h/help V/version
end

function __fish_kubectl_claude_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_claude_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_claude_using_subcommand
    set -l cmd (__fish_kubectl_claude_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "generate" -d 'Generate Kubernetes manifests from natural-language instructions'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "lint" -d 'Validate and lint manifests against house conventions and deny rules'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "diff" -d 'Show how manifests differ from the live cluster'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "diagnose" -d 'Diagnose a cluster top-down and group findings by root cause'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "status" -d 'Show a quick health overview: nodes, active problems, Flux and Argo CD sync, recommendations'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "act" -d 'Run one action on the cluster through the autonomy gate'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "fix" -d 'Diagnose, then propose each root cause\'s fix through the autonomy gate'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "audit" -d 'Show the action audit log: every decision and outcome of the autonomy gate'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "workflow" -d 'List, show, validate and run workflows (built-in and your own)'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "upgrades" -d 'Find chart upgrades for HelmReleases, judge their impact, and write the exact change'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "serve" -d 'Run the in-cluster agent: watches, findings, alert and Flux hooks, leader election'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "approvals" -d 'List, show, approve or reject the changes `serve` queued for approval'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "dashboard" -d 'Open the dashboard (Status, Pending, History, Workflows) locally with your kubeconfig'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "targetapp" -d 'List TargetApps or show one\'s status (the operator inside `kubectl claude serve`)'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "snapshot" -d 'Capture cluster state into a directory for offline diagnosis'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "usage" -d 'Show model usage (tokens, calls, cache hits) by day, model and app'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "config" -d 'Show the effective configuration'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "version" -d 'Print version information'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "install" -d 'Install the other names of this binary (completion, ArgoCD CMP, Flux plugin)'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "mcp" -d 'Serve the cluster tools to an MCP client (Claude Code, Claude Desktop, Cursor…) over stdio'
complete -c kubectl-claude -n "__fish_kubectl_claude_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -s f -l filename -d 'Instructions file or directory, or - for stdin' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l write -d 'Write one file per object into DIR (atomically) instead of stdout' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l layout -d 'File layout for --write' -r -f -a "plain\t'One file per object: `<kind>-<name>.yaml`'
flux\t'`<ns>/<app>/ks.yaml` (Flux Kustomization) + `<ns>/<app>/app/` (kustomization.yaml + objects)'
argocd\t'`apps/<app>.yaml` (ArgoCD Application) + `manifests/<app>/` (objects)'"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l repo-url -d 'Git repository URL for the ArgoCD layout\'s Application' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l allowed-kinds -d 'Only allow these kinds in the output (comma-separated; default from config)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l max-tokens -d 'Maximum output tokens for model providers' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l timeout -d 'Total deadline for a model call in seconds, retries included (default 60; 0: no limit)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l set -d 'Set a parameter substituted into {{ name }} / {{ .Values.name }} (repeatable)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l provider -d 'The model provider (default: $KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with `provider:`)' -r -f -a "offline\t'The offline generator (no model, no network)'
anthropic\t'Claude, through Anthropic\'s API'
openai\t'Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)'"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l model -d 'Model id (default: the instructions\' `model:`, the config, else the provider\'s own)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l strict -d 'Fail (exit 5) when the offline generator did not understand a requirement'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l lock -d 'Write claudernetes.lock.yaml next to the instructions (commit it for reproducible renders)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l allow-secrets -d '(dangerous) Send instructions that look like they contain credentials'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -l no-cache -d 'Bypass the cache and any lock; always generate'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -s f -l filename -d 'Manifest file or directory (recursive), or - for stdin' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -l allowed-kinds -d 'Only allow these kinds (comma-separated; default from config)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -l all -d 'Also show info-level suggestions'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -s f -l filename -d 'Manifests: a file, a directory (recursive) or `-` for stdin (repeatable; default: stdin when it is not a terminal)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l set -d 'Set a parameter substituted into {{ name }} / {{ .Values.name }} (repeatable)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l provider -d 'The model provider (default: $KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with `provider:`)' -r -f -a "offline\t'The offline generator (no model, no network)'
anthropic\t'Claude, through Anthropic\'s API'
openai\t'Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)'"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l model -d 'Model id (default: the instructions\' `model:`, the config, else the provider\'s own)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l server-side -d 'Diff against the server-side apply dry run, as `kubectl diff` does'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l prune-preview -d 'Also list live objects with the same app.kubernetes.io/instance (or name) label that the manifests no longer contain'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -l no-cache -d 'Bypass the cache and any lock; always generate'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l recipe -d 'Run only these recipes (repeatable or comma-separated; default: all that apply)' -r -f -a "flux\t''
argocd\t''
arc\t''
cert-manager\t''
external-secrets\t''
onepassword\t''
custom-resources\t''
webhooks\t''
workloads\t''
volumes\t''
jobs\t''
storage\t''
rbac\t''
hpa\t''
network\t''
netpol\t''
ingress\t''
nodes\t''
targetapp\t''"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l fail-on -d 'Exit 1 when a finding reaches this severity' -r -f -a "critical\t''
error\t''
warning\t''
info\t''
never\t''"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l provider -d 'The model provider (default: $KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with `provider:`)' -r -f -a "offline\t'The offline generator (no model, no network)'
anthropic\t'Claude, through Anthropic\'s API'
openai\t'Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)'"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l model -d 'Model id (default: the instructions\' `model:`, the config, else the provider\'s own)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l show-symptoms -d 'List the symptoms under each root cause (table output)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l list -d 'List the recipes and exit'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l explain -d 'Ask a model to explain the findings (--provider anthropic|openai and --model choose it; a compact, redacted summary is sent, never Secret data or secret-looking env values)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l mask-names -d 'With --explain: replace object names by reversible tokens in what is sent'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -l show-suppressed -d 'Also list the findings silenced by an ignore file or a kubectl-claude.io/ignore annotation, with the reason (table output; -o json always has them under `suppressed`)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand diagnose" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -l limit -d 'How many problems and recommendations to show' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l replicas -d 'scale: the replica count' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l type -d 'patch: how the patch is interpreted' -r -f -a "strategic\t''
merge\t''
json\t''"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s p -l patch -d 'patch: the patch body (JSON or YAML)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s f -l filename -d 'apply: the manifest file (`-` for stdin)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l to-revision -d 'rollout-undo: the revision to go back to' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l history-id -d 'argo-rollback: the history id' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s c -l container -d 'logs, exec: the container' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l label -d 'label-node: KEY=VALUE' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l taint -d 'taint-node: KEY=VALUE:EFFECT' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l grace-period -d 'restart-pod: seconds the pod gets to stop (like `kubectl delete --grace-period`)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l reason -d 'Why (recorded in the audit log and shown in the prompt)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l with-source -d 'reconcile: also reconcile the Flux source first'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l reset -d 'reconcile: reset the HelmRelease failure counters'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l force -d 'reconcile: force a one-off HelmRelease upgrade'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l previous -d 'logs: the previous instance'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s y -l yes -d '(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l dry-run -d 'Show what would run and the exact change; change nothing'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l read-only -d 'Refuse everything that is not safe (reads only)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -l suggest-only -d 'Print the changes as patches to commit to Git, with the manual commands; change nothing'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand act" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l recipe -d 'Run only these recipes (repeatable or comma-separated; default: all that apply)' -r -f -a "flux\t''
argocd\t''
arc\t''
cert-manager\t''
external-secrets\t''
onepassword\t''
custom-resources\t''
webhooks\t''
workloads\t''
volumes\t''
jobs\t''
storage\t''
rbac\t''
hpa\t''
network\t''
netpol\t''
ingress\t''
nodes\t''
targetapp\t''"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l fail-on -d 'Act on root causes at or above this severity' -r -f -a "critical\t''
error\t''
warning\t''
info\t''
never\t''"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -s y -l yes -d '(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l dry-run -d 'Show what would run and the exact change; change nothing'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l read-only -d 'Refuse everything that is not safe (reads only)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -l suggest-only -d 'Print the changes as patches to commit to Git, with the manual commands; change nothing'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand fix" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -l since -d 'Only attempts at or after this time: a date (YYYY-MM-DD), an RFC 3339 time, or a duration back from now (30m, 24h, 7d)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -f -a "list" -d 'List the built-in and user workflows'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -f -a "show" -d 'Print a workflow\'s YAML'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -f -a "run" -d 'Run a workflow'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -f -a "validate" -d 'Check a workflow file; errors name the file and the step'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and not __fish_seen_subcommand_from list show run validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l param -d 'A parameter (repeatable)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l queue-approvals -d 'Queue confirm-tier changes as ApprovalRequest objects in NAMESPACE instead of asking (what `serve` runs); approve them with `kubectl claude approvals approve ID`' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l observe -d 'Append what the run did (actions by tier and outcome, model calls and tokens) as JSON lines to FILE; `serve` reads it back for its metrics' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l started-by -d 'Record in the audit log that USER started this run (serve and the dashboard pass the signed-in user)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -s y -l yes -d '(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l dry-run -d 'Show what would run and the exact change; change nothing'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l read-only -d 'Refuse everything that is not safe (reads only)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -l suggest-only -d 'Print the changes as patches to commit to Git, with the manual commands; change nothing'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the built-in and user workflows'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a workflow\'s YAML'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a workflow'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check a workflow file; errors name the file and the step'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand workflow; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -s f -l filename -d 'The Flux repository to walk' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l app -d 'Only this HelmRelease (by name)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l to -d 'Target: the newest patch (default), minor or major, or an exact version' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l credentials -d 'Secret manifests (plain, e.g. `sops -d` output) with credentials for sources whose spec.secretRef names them; read only when given, never shown' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l timeout -d 'Network timeout per request, in seconds (0: no limit)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l provider -d 'The model provider (default: $KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with `provider:`)' -r -f -a "offline\t'The offline generator (no model, no network)'
anthropic\t'Claude, through Anthropic\'s API'
openai\t'Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)'"
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l model -d 'Model id (default: the instructions\' `model:`, the config, else the provider\'s own)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l pre -d 'Consider pre-release versions'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l write -d 'Apply the edits to the files in place (never for breaking upgrades)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l live -d 'Read HelmReleases and their sources from the cluster (or --snapshot) instead of files'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -l explain -d 'Ask a model for a short review of the upgrades (--provider anthropic|openai and --model choose it; versions, changelogs, key paths and impact are sent, never the release\'s values)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand upgrades" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l listen -d 'Address to serve HTTP on (hooks, /metrics, /healthz, /readyz, /api/findings)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l hook-token-file -d 'File holding the bearer token the hooks require (a mounted Secret); hooks are off without it' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l max-body -d 'Largest hook request body, in bytes' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l hook-rate -d 'Hook requests allowed per second (burst of twice that)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l debounce -d 'Quiet time after a change before diagnosis re-runs' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l notify-slack -d 'Slack incoming-webhook URL to notify (repeatable)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l notify-webhook -d 'Generic JSON webhook URL to notify (repeatable)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l external-url -d 'The URL users reach this serve at (an Ingress); approval messages link to URL/ui/pending/NS/ID' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l quiet-period -d 'A root cause is not announced again within this long' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l lease-namespace -d 'Namespace of the leader Lease (default: the context\'s namespace)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l lease-name -d 'Name of the leader Lease' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l identity -d 'This replica\'s identity in the Lease (default: $POD_NAME, else $HOSTNAME)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l lease-duration -d 'How long a Lease holds without renewal' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l renew-every -d 'How often the leader renews (and followers retry)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l targetapp-poll-rate -d 'GraphQL polls per second per TargetApp (token bucket, burst of twice that)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand serve" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -f -a "list" -d 'List the requests (newest last)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -f -a "show" -d 'Show one request: target, rationale, origin, expiry and the exact diff'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -f -a "approve" -d 'Approve a pending request (serve executes it once)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -f -a "reject" -d 'Reject a pending request'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and not __fish_seen_subcommand_from list show approve reject help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from reject" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the requests (newest last)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one request: target, rationale, origin, expiry and the exact diff'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Approve a pending request (serve executes it once)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from help" -f -a "reject" -d 'Reject a pending request'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand approvals; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -l port -d 'Port on 127.0.0.1 (0 picks a free one)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -l no-browser -d 'Print the link instead of opening a browser ($BROWSER, else xdg-open)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand dashboard" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -f -a "list" -d 'List TargetApps with their phase, pods monitored, last poll and Ready reason'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -f -a "status" -d 'Show one TargetApp\'s status: conditions, each pod\'s last poll, the last state'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and not __fish_seen_subcommand_from list status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from help" -f -a "list" -d 'List TargetApps with their phase, pods monitored, last poll and Ready reason'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show one TargetApp\'s status: conditions, each pod\'s last poll, the last state'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand targetapp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -l kinds -d 'Only these kinds (kubectl names or short names, comma-separated; default: all known)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -l log-lines -d 'Lines of log tail per failing container (0: no logs)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand snapshot" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -l since -d 'Only days on or after this: a date (2026-11-01), a time or a duration (24h, 7d)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand usage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -f -a "view" -d 'Print the effective config (file + environment), secrets masked, with the autonomy tiers'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -f -a "path" -d 'Print where the config, cache and state files live'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and not __fish_seen_subcommand_from view path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from view" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "view" -d 'Print the effective config (file + environment), secrets masked, with the autonomy tiers'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print where the config, cache and state files live'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -f -a "links" -d 'Create kubectl_complete-claude, argocd-cmp-claude and flux-claude links'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and not __fish_seen_subcommand_from links help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l dir -d 'Directory for kubectl_complete-claude and argocd-cmp-claude (default: this binary\'s directory)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l flux-dir -d 'Directory for flux-claude (default: $FLUXCD_PLUGINS or ~/.fluxcd/plugins)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l no-flux -d 'Do not install the Flux plugin link'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -l copy -d 'Copy the binary instead of symlinking (for filesystems without symlinks)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from links" -s h -l help -d 'Print help'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from help" -f -a "links" -d 'Create kubectl_complete-claude, argocd-cmp-claude and flux-claude links'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand install; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -s n -l namespace -d 'The namespace scope for this request' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -s o -l output -d 'Output format: table, json or yaml (snapshot: the output directory)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -l snapshot -d 'Read cluster state from a snapshot directory instead of a live cluster (read-only commands)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -l config -d 'Config file (default: ~/.config/kubectl-claude/config.yaml)' -r -F
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -l request-timeout -d 'The longest one API request may take, retries included (0: no limit; default 30s)' -r
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -l read-only -d 'List and serve only safe (read) tools'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -s A -l all-namespaces -d 'Work across all namespaces'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -s q -l quiet -d 'Print only data and errors'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "generate" -d 'Generate Kubernetes manifests from natural-language instructions'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "lint" -d 'Validate and lint manifests against house conventions and deny rules'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "diff" -d 'Show how manifests differ from the live cluster'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "diagnose" -d 'Diagnose a cluster top-down and group findings by root cause'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "status" -d 'Show a quick health overview: nodes, active problems, Flux and Argo CD sync, recommendations'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "act" -d 'Run one action on the cluster through the autonomy gate'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "fix" -d 'Diagnose, then propose each root cause\'s fix through the autonomy gate'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "audit" -d 'Show the action audit log: every decision and outcome of the autonomy gate'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "workflow" -d 'List, show, validate and run workflows (built-in and your own)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "upgrades" -d 'Find chart upgrades for HelmReleases, judge their impact, and write the exact change'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "serve" -d 'Run the in-cluster agent: watches, findings, alert and Flux hooks, leader election'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "approvals" -d 'List, show, approve or reject the changes `serve` queued for approval'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "dashboard" -d 'Open the dashboard (Status, Pending, History, Workflows) locally with your kubeconfig'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "targetapp" -d 'List TargetApps or show one\'s status (the operator inside `kubectl claude serve`)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "snapshot" -d 'Capture cluster state into a directory for offline diagnosis'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "usage" -d 'Show model usage (tokens, calls, cache hits) by day, model and app'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "config" -d 'Show the effective configuration'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "version" -d 'Print version information'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "install" -d 'Install the other names of this binary (completion, ArgoCD CMP, Flux plugin)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "mcp" -d 'Serve the cluster tools to an MCP client (Claude Code, Claude Desktop, Cursor…) over stdio'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and not __fish_seen_subcommand_from generate lint diff diagnose status act fix audit workflow upgrades serve approvals dashboard targetapp snapshot usage config version completion install mcp help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from workflow" -f -a "list" -d 'List the built-in and user workflows'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from workflow" -f -a "show" -d 'Print a workflow\'s YAML'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from workflow" -f -a "run" -d 'Run a workflow'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from workflow" -f -a "validate" -d 'Check a workflow file; errors name the file and the step'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from approvals" -f -a "list" -d 'List the requests (newest last)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from approvals" -f -a "show" -d 'Show one request: target, rationale, origin, expiry and the exact diff'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from approvals" -f -a "approve" -d 'Approve a pending request (serve executes it once)'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from approvals" -f -a "reject" -d 'Reject a pending request'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from targetapp" -f -a "list" -d 'List TargetApps with their phase, pods monitored, last poll and Ready reason'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from targetapp" -f -a "status" -d 'Show one TargetApp\'s status: conditions, each pod\'s last poll, the last state'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "view" -d 'Print the effective config (file + environment), secrets masked, with the autonomy tiers'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print where the config, cache and state files live'
complete -c kubectl-claude -n "__fish_kubectl_claude_using_subcommand help; and __fish_seen_subcommand_from install" -f -a "links" -d 'Create kubectl_complete-claude, argocd-cmp-claude and flux-claude links'
