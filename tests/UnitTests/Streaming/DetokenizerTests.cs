using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;

namespace LeaPformer.UnitTests.Streaming;

public sealed class DetokenizerTests
{
    // ids: 0 <pad>, 1 <unk>, 2 <s>, 3 </s>, 4 ▁, 5 ., 6 ▁Hola, 7 ▁mundo, 8 s, 9 <0xC3>, 10 <0xA9>, 11 ▁caf, 12 <0xE2>, 13 <0x82>, 14 <0xAC>
    private static readonly TokenTable Table = new(
        ["<pad>", "<unk>", "<s>", "</s>", "\u2581", ".", "\u2581Hola", "\u2581mundo", "s", "<0xC3>", "<0xA9>", "\u2581caf", "<0xE2>", "<0x82>", "<0xAC>"],
        bosId: 2, eosId: 3, padId: 0, unkId: 1);

    [Fact]
    public void Word_boundaries_become_spaces_and_the_leading_one_is_trimmed()
    {
        Assert.Equal("Hola mundos.", Table.Detokenize([6, 7, 8, 5]));
    }

    [Fact]
    public void A_lone_boundary_at_the_start_is_not_text()
    {
        Assert.Equal("Hola", Table.Detokenize([4, 6]));
        Assert.Equal("", Table.Detokenize([4]));
    }

    [Fact]
    public void Control_pieces_render_as_nothing_and_unk_as_a_marker()
    {
        Assert.Equal("Hola.", Table.Detokenize([2, 6, 0, 5, 3]));
        Assert.Equal("Hola \u2047 .", Table.Detokenize([6, 1, 5]));
    }

    [Fact]
    public void Byte_fallback_pieces_decode_as_utf8()
    {
        Assert.Equal("café €", Table.Detokenize([11, 9, 10, 4, 12, 13, 14]));
    }

    [Fact]
    public void Incremental_deltas_add_up_to_the_text_and_never_show_half_a_character()
    {
        int[] ids = [11, 9, 10, 4, 12, 13, 14, 7, 5];
        var detokenizer = new Detokenizer(Table);
        string previous = "";
        var deltas = new List<string>();
        foreach (int id in ids)
        {
            string delta = detokenizer.Append(id);
            deltas.Add(delta);
            Assert.Equal(previous + delta, detokenizer.Text);
            Assert.DoesNotContain('\uFFFD', detokenizer.Text);
            previous = detokenizer.Text;
        }

        Assert.Equal(Table.Detokenize(ids), detokenizer.Text);
        Assert.Equal(["caf", "", "é", " ", "", "", "€", " mundo", "."], deltas);
    }

    [Fact]
    public void Invalid_bytes_become_replacement_characters()
    {
        Assert.Equal("\uFFFD Hola", Table.Detokenize([10, 6]));
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Table.Detokenize([99]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Table[-1]);
    }

    [Fact]
    public void Tokens_file_ids_are_line_numbers()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "<pad>\n<unk>\n<s>\n</s>\n\u2581a\tscore-ignored\n");
            var table = TokenTable.Load(path, bosId: 2, eosId: 3, padId: 0, unkId: 1);
            Assert.Equal(5, table.Count);
            Assert.Equal("\u2581a", table[4]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
