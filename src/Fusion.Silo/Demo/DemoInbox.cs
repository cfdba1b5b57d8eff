using System.Globalization;
using System.Text;
using Fusion.Connectors.MasterData;

namespace Fusion.Silo.Demo;

/// <summary>
/// Files the demo drops into the inbox folders once, as the offices would: the hotline office's 12369 export (GB18030,
/// one report that says nowhere, so the file lands in rejected/ with its answer and the reports kept without their
/// reporters) and an inspector's sheet (taken whole, done/). A file already taken is not dropped again.
/// </summary>
public static class DemoInbox
{
    public const string HotlineFile = "12369-demo-export.csv", SheetFile = "inspection-demo-sheet.csv";

    public static IReadOnlyList<string> Drop(string root, MasterDataDocument masterData, DateTimeOffset now)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var enterprise = masterData.Enterprises!.First(e => e.Sites is { Count: > 0 });
        var site = enterprise.Sites![0];
        var beijing = now.ToOffset(TimeSpan.FromHours(8));
        string At(int hoursAgo) => beijing.AddHours(-hoursAgo).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var dropped = new List<string>();

        var hotline = "举报编号,受理时间,举报方式,举报内容,被举报对象,点位编号,举报人,联系电话\r\n" +
                      $"DEMO-INBOX-12369-1,{At(3)},电话,{site.Name}夜间冒黄烟，气味刺鼻,{enterprise.Name},{site.SiteId},马建国,13997001001\r\n" +
                      $"DEMO-INBOX-12369-2,{At(2)},微信,{enterprise.Name}的运渣车沿路撒漏，请回电13997001002,{enterprise.Name},,,\r\n" +
                      $"DEMO-INBOX-12369-3,{At(1)},电话,听说有个厂在偷排，不知道在哪,,,李秀兰,13997001003\r\n";
        if (Place(root, "public-reports", HotlineFile, Encoding.GetEncoding("gb18030").GetBytes(hotline))) dropped.Add($"public-reports/{HotlineFile}");

        var sheet = "问题编号,统一社会信用代码,点位编号,问题描述,问题等级,整改期限,检查人,检查时间\n" +
                    $"DEMO-INBOX-IF-1,{enterprise.EnterpriseId},{site.SiteId},{site.Name}防尘网破损,一般,{beijing.AddDays(20):yyyy/MM/dd},海西州生态环境局执法支队,{At(5)}\n" +
                    $"DEMO-INBOX-IF-2,{enterprise.EnterpriseId},,危险废物管理台账不全,较大,{beijing.AddDays(30):yyyy/MM/dd},海西州生态环境局执法支队,{At(5)}\n";
        if (Place(root, "inspection-findings", SheetFile, Encoding.UTF8.GetBytes(sheet))) dropped.Add($"inspection-findings/{SheetFile}");
        return dropped;
    }

    /// <summary>Written under a .part name and renamed, as every writer into an inbox should; not when it was taken before.</summary>
    static bool Place(string root, string feed, string name, byte[] body)
    {
        var folder = Path.Combine(root, feed);
        Directory.CreateDirectory(folder);
        var taken = new[] { Ingest.Inbox.Done, Ingest.Inbox.Rejected }
            .Any(sub => Directory.Exists(Path.Combine(folder, sub)) && Directory.EnumerateFiles(Path.Combine(folder, sub), name + "*").Any());
        if (taken || File.Exists(Path.Combine(folder, name))) return false;
        File.WriteAllBytes(Path.Combine(folder, name + ".part"), body);
        File.Move(Path.Combine(folder, name + ".part"), Path.Combine(folder, name));
        return true;
    }
}
