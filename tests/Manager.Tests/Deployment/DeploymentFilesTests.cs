using System.Text.RegularExpressions;
using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Tests.Nginx;
using YamlDotNet.RepresentationModel;

namespace DotnetWsgi.Manager.Tests.Deployment;

/// <summary>
/// No Docker engine runs here, so the deployment files are checked for agreement with each other:
/// service names, ports, the nginx upstream, body limits, health endpoints and stop timing.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string DockerDir = Path.Combine(Repo.Root, "docker");

    private static ServerOptions SampleOptions()
    {
        var result = ConfigLoader.Load(["--ini", Path.Combine(Repo.Root, "samples", "nginx.ini")],
            new Dictionary<string, string>(), Repo.Root);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Options!;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node)[key];

    private static string Scalar(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node)[key]).Value!;

    private static YamlDocument[] LoadYaml(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(DockerDir, file));
        stream.Load(reader);
        return [.. stream.Documents];
    }

    [Fact]
    public void Compose_ServicesPortsAndUpstream_AgreeWithNginxConfAndTheSampleIni()
    {
        var root = (YamlMappingNode)LoadYaml("docker-compose.yml")[0].RootNode;
        var services = Map(root, "services");
        var flask = (YamlMappingNode)services["flask"];
        var nginx = (YamlMappingNode)services["nginx"];
        string conf = File.ReadAllText(Path.Combine(DockerDir, "nginx.conf"));
        var options = SampleOptions();

        var socket = Assert.Single(options.Sockets);
        Assert.Equal(SocketProtocol.Uwsgi, socket.Protocol);
        var expose = ((YamlSequenceNode)flask["expose"]).Children.Select(c => ((YamlScalarNode)c).Value).ToList();
        Assert.Contains(socket.Port.ToString(), expose);
        Assert.Matches(new Regex($@"uwsgi_pass\s+flask:{socket.Port};"), conf);
        Assert.Equal("..", Scalar(Map(flask, "build"), "context"));
        Assert.True(File.Exists(Path.Combine(DockerDir, "..", Scalar(Map(flask, "build"), "dockerfile"))));
        Assert.Contains("./nginx.conf:/etc/nginx/conf.d/default.conf:ro",
            ((YamlSequenceNode)nginx["volumes"]).Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Contains("80:80", ((YamlSequenceNode)nginx["ports"]).Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Matches(new Regex(@"listen\s+80;"), conf);
        Assert.Equal("flask", Scalar(flask, "container_name")); // nginx resolves the upstream by this name
    }

    [Fact]
    public void NginxBodyLimit_MatchesLimitPost()
    {
        string conf = File.ReadAllText(Path.Combine(DockerDir, "nginx.conf"));
        var m = Regex.Match(conf, @"client_max_body_size\s+(\d+)([kKmMgG]?);");
        Assert.True(m.Success, "nginx.conf sets client_max_body_size");
        long unit = m.Groups[2].Value.ToLowerInvariant() switch { "k" => 1024, "m" => 1024 * 1024, "g" => 1024L * 1024 * 1024, _ => 1 };
        Assert.Equal(SampleOptions().LimitPost, long.Parse(m.Groups[1].Value) * unit);
    }

    [Fact]
    public void Dockerfile_StopsGracefully_AndChecksTheAdminHealthEndpoint()
    {
        string dockerfile = File.ReadAllText(Path.Combine(DockerDir, "Dockerfile"));
        var options = SampleOptions();
        int adminPort = int.Parse(options.AdminHttp!.Split(':')[^1]);

        Assert.Contains("STOPSIGNAL SIGTERM", dockerfile);
        Assert.True(options.DieOnTerm);
        Assert.Matches(new Regex($@"HEALTHCHECK .*\n?.*http://127\.0\.0\.1:{adminPort}/healthz"), dockerfile);
        Assert.Matches(new Regex($@"EXPOSE\s+{options.Sockets[0].Port}\b"), dockerfile);
        Assert.Contains("COPY samples/nginx.ini /app/app.ini", dockerfile);
        Assert.Matches(new Regex(@"\nUSER\s+app\n"), dockerfile);
        Assert.Matches(new Regex(@"--uid 10001"), dockerfile);
        // The compose grace period covers the worker mercy.
        var flask = (YamlMappingNode)Map(LoadYaml("docker-compose.yml")[0].RootNode, "services")["flask"];
        Assert.True(ParseSeconds(Scalar(flask, "stop_grace_period")) > options.WorkerReloadMercy);
    }

    [Fact]
    public void KubernetesManifest_ProbesAndGracePeriod_FitTheGracefulStop()
    {
        var docs = LoadYaml("k8s.yaml");
        var options = SampleOptions();
        int adminPort = int.Parse(options.AdminHttp!.Split(':')[^1]);
        var deployment = docs.Select(d => (YamlMappingNode)d.RootNode).Single(d => Scalar(d, "kind") == "Deployment");
        var service = docs.Select(d => (YamlMappingNode)d.RootNode).Single(d => Scalar(d, "kind") == "Service");
        var pod = Map(Map(deployment, "spec"), "template")["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)pod)["containers"]).Children.Single();
        var ports = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>()
            .ToDictionary(p => Scalar(p, "name"), p => int.Parse(Scalar(p, "containerPort")));

        Assert.Equal(adminPort, ports["admin"]);
        Assert.Equal(options.Sockets[0].Port, ports["uwsgi"]);
        Assert.Equal("/readyz", Scalar(Map(Map(container, "readinessProbe"), "httpGet"), "path"));
        Assert.Equal("/healthz", Scalar(Map(Map(container, "livenessProbe"), "httpGet"), "path"));
        int grace = int.Parse(Scalar(pod, "terminationGracePeriodSeconds"));
        var preStop = (YamlSequenceNode)Map(Map(Map(container, "lifecycle"), "preStop"), "exec")["command"];
        int preStopSleep = int.Parse(((YamlScalarNode)preStop.Children[^1]).Value!);
        Assert.True(grace > preStopSleep + options.WorkerReloadMercy, $"grace {grace} must exceed preStop {preStopSleep} + mercy {options.WorkerReloadMercy}");
        var svcPort = (YamlMappingNode)((YamlSequenceNode)Map(service, "spec")["ports"]).Children.Single();
        Assert.Equal("uwsgi", Scalar(svcPort, "targetPort"));
        Assert.Equal(Scalar(Map(Map(deployment, "spec"), "selector")["matchLabels"], "app"), Scalar(Map(service, "spec")["selector"], "app"));
    }

    private static int ParseSeconds(string value)
    {
        var m = Regex.Match(value, @"^(\d+)s$");
        Assert.True(m.Success, $"duration {value}");
        return int.Parse(m.Groups[1].Value);
    }
}
