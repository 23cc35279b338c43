using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace DotnetWsgi.Manager.Tests.Nginx;

/// <summary>
/// The seeds' picture end to end: nginx `uwsgi_pass` (TCP and unix socket) and `proxy_pass`
/// (http-socket) in front of dotnetwsgi serving the seeds' Flask app (samples/flask).
/// </summary>
[Collection("end-to-end")]
public sealed class NginxTests
{
    private static readonly string FlaskDir = Path.Combine(Repo.Root, "samples", "flask");

    private static string Ini(string socketLine) => $"""
        [uwsgi]
        chdir = {FlaskDir}
        wsgi-file = run.py
        callable = app
        {socketLine}
        processes = 2
        threads = 2
        master = true
        vacuum = true
        die-on-term = true
        """;

    private static HttpClient Client() => new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task SeedsFlaskApp_AnswersThroughNginxUwsgiPass_OverTcp()
    {
        int port = Repo.FreePort();
        using var server = new MasterInstance(Ini($"socket = 127.0.0.1:{port}")).WaitForPort(port);
        using var nginx = new NginxFront($"include /etc/nginx/uwsgi_params; uwsgi_pass 127.0.0.1:{port};");
        using var http = Client();

        var response = await http.GetAsync($"http://127.0.0.1:{nginx.Port}/");
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}\n{nginx.ErrorLog}\n{server.Output}");
        Assert.Equal("Hello from flask", body);
    }

    [Fact]
    public async Task SeedsFlaskApp_AnswersThroughNginxUwsgiPass_OverAUnixSocket()
    {
        string dir = Repo.TempDir("sock");
        string sock = Path.Combine(dir, "app.sock");
        try
        {
            using (var server = new MasterInstance(Ini($"socket = {sock}\nchmod-socket = 666")).WaitForFile(sock))
            using (var nginx = new NginxFront($"include /etc/nginx/uwsgi_params; uwsgi_pass unix:{sock};"))
            using (var http = Client())
            {
                // A socket file exists before listen(); retry briefly until the service answers.
                var response = await GetWithRetry(http, $"http://127.0.0.1:{nginx.Port}/");
                string body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}\n{nginx.ErrorLog}\n{server.Output}");
                Assert.Equal("Hello from flask", body);
            }
            Assert.False(File.Exists(sock), "vacuum should remove the unix socket after the stop");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task SeedsJsonEndpoint_EchoesAPost_ThroughNginxUwsgiPass()
    {
        int port = Repo.FreePort();
        using var server = new MasterInstance(Ini($"socket = 127.0.0.1:{port}")).WaitForPort(port);
        using var nginx = new NginxFront($"include /etc/nginx/uwsgi_params; uwsgi_pass 127.0.0.1:{port};");
        using var http = Client();

        var content = new StringContent("""{"name": "dotnetwsgi", "n": 3}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await http.PostAsync($"http://127.0.0.1:{nginx.Port}/my_python_apps", content);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}\n{nginx.ErrorLog}\n{server.Output}");
        Assert.Equal("""{"received": {"name": "dotnetwsgi", "n": 3}, "keys": ["n", "name"]}""", body);
    }

    [Fact]
    public async Task AppName_FromTheEnvironment_ReachesTheGreeting_AsInTheSeedsCompose()
    {
        int port = Repo.FreePort();
        using var server = new MasterInstance(Ini($"socket = 127.0.0.1:{port}"),
            new Dictionary<string, string> { ["APP_NAME"] = "MyFlaskApp" }).WaitForPort(port);
        using var nginx = new NginxFront($"include /etc/nginx/uwsgi_params; uwsgi_pass 127.0.0.1:{port};");
        using var http = Client();

        string body = await http.GetStringAsync($"http://127.0.0.1:{nginx.Port}/");

        Assert.Equal("Hello from MyFlaskApp running in a Docker container behind Nginx!", body);
    }

    [Fact]
    public async Task SeedsFlaskApp_AnswersThroughNginxProxyPass_ToHttpSocket()
    {
        int port = Repo.FreePort();
        using var server = new MasterInstance(Ini($"http-socket = 127.0.0.1:{port}")).WaitForPort(port);
        using var nginx = new NginxFront(
            $"proxy_pass http://127.0.0.1:{port}; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host $http_host;");
        using var http = Client();

        for (int i = 0; i < 20; i++) // several requests: nginx may reuse or reopen upstream connections
        {
            var response = await http.GetAsync($"http://127.0.0.1:{nginx.Port}/");
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}\n{nginx.ErrorLog}\n{server.Output}");
            Assert.Equal("Hello from flask", body);
        }
    }

    [Fact]
    public async Task MissingRoute_Gives404_AndABadJsonBody400_ThroughNginx()
    {
        int port = Repo.FreePort();
        using var server = new MasterInstance(Ini($"socket = 127.0.0.1:{port}")).WaitForPort(port);
        using var nginx = new NginxFront($"include /etc/nginx/uwsgi_params; uwsgi_pass 127.0.0.1:{port};");
        using var http = Client();

        var missing = await http.GetAsync($"http://127.0.0.1:{nginx.Port}/no/such/page");
        var bad = await http.PostAsync($"http://127.0.0.1:{nginx.Port}/my_python_apps", new StringContent("{not json"));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("JSONDecodeError", await bad.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> GetWithRetry(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await http.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.BadGateway || DateTime.UtcNow > deadline) return response;
            await Task.Delay(100);
        }
    }
}
