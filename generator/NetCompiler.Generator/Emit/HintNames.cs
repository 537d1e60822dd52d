using System.Linq;
using System.Text;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

/// <summary>
/// Hint names of generated files must differ ignoring case (the compiler rejects a second file whose name differs
/// from the first only by case, and then drops every generated file of the project). A name that another network's
/// name equals ignoring case gets a suffix that spells its upper-case letters' positions in hexadecimal, so two such
/// names get different suffixes by construction: <c>App.Net.g.cs</c> and <c>App.NET.g.cs</c> become
/// <c>App.Net.11.g.cs</c> and <c>App.NET.17.g.cs</c>. All other names are left as they are.
/// </summary>
internal static class HintNames
{
    private const string Extension = ".g.cs";

    public static string Unique(string hintName, EquatableArray<string> allHintNames)
    {
        int equalIgnoringCase = allHintNames.Count(other => string.Equals(other, hintName, System.StringComparison.OrdinalIgnoreCase));
        if (equalIgnoringCase <= 1)
        {
            return hintName;
        }

        string stem = hintName.Substring(0, hintName.Length - Extension.Length);
        return stem + "." + UpperCaseMask(stem) + Extension;
    }

    /// <summary>One bit per character, 1 for an upper-case letter, four characters a hexadecimal digit, the first character in the first digit's low bit.</summary>
    private static string UpperCaseMask(string text)
    {
        var mask = new StringBuilder();
        for (int start = 0; start < text.Length; start += 4)
        {
            int digit = 0;
            for (int i = 0; i < 4 && start + i < text.Length; i++)
            {
                if (char.IsUpper(text[start + i]))
                {
                    digit |= 1 << i;
                }
            }

            mask.Append("0123456789abcdef"[digit]);
        }

        return mask.ToString();
    }
}
