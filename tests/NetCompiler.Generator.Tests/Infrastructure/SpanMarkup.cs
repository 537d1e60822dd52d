using Microsoft.CodeAnalysis.Text;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// Test source with the expected diagnostic spans marked as <c>[|...|]</c>. <see cref="Parse"/> strips the
/// markers and returns the plain source plus the marked spans, in the coordinates of the plain source.
/// </summary>
internal static class SpanMarkup
{
    private const string Open = "[|";
    private const string Close = "|]";

    /// <summary>Removes every <c>[|</c> and <c>|]</c> and returns the spans they enclosed, in source order.</summary>
    public static (string Source, IReadOnlyList<TextSpan> Spans) Parse(string markup)
    {
        var source = new System.Text.StringBuilder(markup.Length);
        var spans = new List<TextSpan>();
        int? start = null;
        int i = 0;
        while (i < markup.Length)
        {
            if (string.CompareOrdinal(markup, i, Open, 0, Open.Length) == 0)
            {
                if (start is not null)
                {
                    throw new ArgumentException($"Nested '{Open}' at offset {i} of the markup.", nameof(markup));
                }

                start = source.Length;
                i += Open.Length;
            }
            else if (string.CompareOrdinal(markup, i, Close, 0, Close.Length) == 0)
            {
                if (start is null)
                {
                    throw new ArgumentException($"'{Close}' without '{Open}' at offset {i} of the markup.", nameof(markup));
                }

                spans.Add(TextSpan.FromBounds(start.Value, source.Length));
                start = null;
                i += Close.Length;
            }
            else
            {
                source.Append(markup[i]);
                i++;
            }
        }

        if (start is not null)
        {
            throw new ArgumentException($"'{Open}' is never closed in the markup.", nameof(markup));
        }

        return (source.ToString(), spans);
    }

    /// <summary>Parses markup that marks exactly one span.</summary>
    public static (string Source, TextSpan Span) ParseSingle(string markup)
    {
        var (source, spans) = Parse(markup);
        if (spans.Count != 1)
        {
            throw new ArgumentException($"Expected exactly one marked span, found {spans.Count}.", nameof(markup));
        }

        return (source, spans[0]);
    }
}
