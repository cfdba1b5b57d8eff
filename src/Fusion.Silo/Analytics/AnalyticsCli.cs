using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fusion.Projections.Formats;
using Fusion.Silo.Security;

namespace Fusion.Silo.Analytics;

/// <summary>
/// The command-line side of analytics, talking to the running platform over HTTP:
///   query NAME [--param value]… [--format csv|json|arrow|parquet] [--out FILE] [--url URL] [--token TOKEN]
///   query --sql "SELECT …" [--format …] [--out FILE]
///   query --list
///   rebuild-analytics [--url URL] [--token TOKEN]
/// </summary>
public static class AnalyticsCli
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        string? name = null, sql = null, format = null, output = null, url = null, token = null;
        var list = false;
        var parameters = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--"))
            {
                if (name is not null) return Usage(stderr, $"unexpected '{a}': give one query name");
                name = a;
                continue;
            }
            var key = a[2..];
            if (key == "list") { list = true; continue; }
            if (key == "help") return Usage(stdout, null, 0);
            if (i + 1 >= args.Length) return Usage(stderr, $"{a} needs a value");
            var value = args[++i];
            switch (key)
            {
                case "sql": sql = value; break;
                case "format": format = value; break;
                case "out": output = value; break;
                case "url": url = value; break;
                case "token": token = value; break;
                default: parameters.Add(new(key, value)); break;
            }
        }
        if (format is not null && ResultFormats.Parse(format) is null) return Usage(stderr, $"unknown format '{format}': use csv, json, arrow or parquet");
        if (!list && (name is null) == (sql is null)) return Usage(stderr, "give a query name or --sql \"SELECT …\" (or --list)");

        using var http = Client(url, token, "query", Roles.Analyst);
        try
        {
            HttpResponseMessage response;
            if (list)
                response = await http.GetAsync("/api/analytics/queries");
            else if (sql is not null)
                response = await http.PostAsync(WithFormat("/api/analytics/sql", format), new StringContent(sql, Encoding.UTF8, "text/plain"));
            else
            {
                var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
                response = await http.GetAsync(WithFormat($"/api/analytics/queries/{Uri.EscapeDataString(name!)}" + (query.Length > 0 ? "?" + query : ""), format),
                    HttpCompletionOption.ResponseHeadersRead);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode) return await Failed(response, stderr);
                if (list) return await PrintList(response, stdout);
                await using var body = await response.Content.ReadAsStreamAsync();
                if (output is not null)
                {
                    await using var file = File.Create(output);
                    await body.CopyToAsync(file);
                    await stderr.WriteLineAsync($"wrote {new FileInfo(output).Length} bytes to {output}");
                }
                else
                {
                    await using var console = Console.OpenStandardOutput();
                    await stdout.FlushAsync();
                    await body.CopyToAsync(stdout == Console.Out ? console : new WriterStream(stdout));
                }
            }
            return 0;
        }
        catch (HttpRequestException e)
        {
            await stderr.WriteLineAsync($"Cannot reach the platform at {http.BaseAddress}: {e.Message}. Start it with ./fusion demo (or give --url).");
            return 3;
        }
    }

    /// <summary>Starts a rebuild in the running platform and shows its progress until it is done.</summary>
    public static async Task<int> RebuildAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        string? url = null, token = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
            if (args[i] == "--url") url = args[i + 1];
            else if (args[i] == "--token") token = args[i + 1];
        using var http = Client(url, token, "rebuild-analytics", Roles.Admin);
        try
        {
            using (var start = await http.PostAsync("/api/analytics/rebuild", null))
                if (!start.IsSuccessStatusCode && start.StatusCode != System.Net.HttpStatusCode.Conflict) return await Failed(start, stderr);
            await stdout.WriteLineAsync("Rebuilding the analytics file from the event store; the platform keeps serving queries meanwhile.");
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                using var response = await http.GetAsync("/api/analytics/rebuild");
                // 204: the rebuild has started but not reported yet (a loaded machine); ask again.
                if (response.StatusCode == System.Net.HttpStatusCode.NoContent) continue;
                if (!response.IsSuccessStatusCode) return await Failed(response, stderr);
                var status = await response.Content.ReadFromJsonAsync<JsonElement>();
                var state = status.GetProperty("state").GetString();
                await stdout.WriteLineAsync(
                    $"{state,-10} {status.GetProperty("applied").GetInt64(),12:N0} events  up to sequence {status.GetProperty("lastSequence").GetInt64():N0} of {status.GetProperty("target").GetInt64():N0}  ({status.GetProperty("eventsPerSecond").GetDouble():N0} events/s)");
                if (state == "done") return 0;
                if (state == "failed")
                {
                    await stderr.WriteLineAsync($"Rebuild failed: {status.GetProperty("error").GetString()}");
                    return 1;
                }
            }
        }
        catch (HttpRequestException e)
        {
            await stderr.WriteLineAsync($"Cannot reach the platform at {http.BaseAddress}: {e.Message}. The rebuild runs inside the running platform: start it with ./fusion demo (or give --url).");
            return 3;
        }
    }

    static HttpClient Client(string? url, string? token, string verb, string role) => new()
    {
        BaseAddress = new Uri(url ?? Environment.GetEnvironmentVariable("FUSION_URL") ?? DefaultUrl),
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { Authorization = TokenCli.BearerFor(token, verb, role) },
    };

    static string WithFormat(string path, string? format) =>
        format is null ? path : path + (path.Contains('?') ? '&' : '?') + "format=" + Uri.EscapeDataString(format);

    static async Task<int> Failed(HttpResponseMessage response, TextWriter stderr)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var doc = JsonDocument.Parse(text);
            var title = doc.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = doc.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            text = string.Join(": ", new[] { title, detail }.Where(x => !string.IsNullOrEmpty(x)));
        }
        catch (JsonException) { }
        await stderr.WriteLineAsync($"{(int)response.StatusCode} {text}");
        return 1;
    }

    static async Task<int> PrintList(HttpResponseMessage response, TextWriter stdout)
    {
        var queries = await response.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var q in queries.EnumerateArray())
        {
            await stdout.WriteLineAsync($"{q.GetProperty("name").GetString()} — {q.GetProperty("title").GetString()}");
            foreach (var p in q.GetProperty("parameters").EnumerateArray())
                await stdout.WriteLineAsync($"    --{p.GetProperty("name").GetString()} ({p.GetProperty("type").GetString()}{(p.GetProperty("required").GetBoolean() ? ", required" : "")}): {p.GetProperty("description").GetString()}");
        }
        return 0;
    }

    static int Usage(TextWriter to, string? problem, int code = 2)
    {
        if (problem is not null) to.WriteLine(problem);
        to.WriteLine("Usage: query NAME [--param value]… [--format csv|json|arrow|parquet] [--out FILE] [--url URL]");
        to.WriteLine("       query --sql \"SELECT …\" [--format …] [--out FILE]    query --list");
        return code;
    }

    /// <summary>Lets a test capture binary output through a TextWriter (as Latin-1-free UTF-8 text).</summary>
    sealed class WriterStream(TextWriter writer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => writer.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => writer.Write(Encoding.UTF8.GetString(buffer, offset, count));
    }
}
