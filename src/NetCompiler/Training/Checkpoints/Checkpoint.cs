using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using NetCompiler.Initialization;
using NetCompiler.Persistence;
using NetCompiler.Training.Streaming;

namespace NetCompiler.Training;

/// <summary>
/// The checkpoint file a <see cref="Trainer{TNet, T}"/> writes to <see cref="CheckpointOptions.LatestPath"/> and
/// <see cref="Trainer{TNet, T}.Resume"/> reads. Little-endian:
/// <list type="table">
/// <item><term>8 bytes</term><description>signature <c>4E 43 43 4B 50 0D 0A 1A</c> (<c>"NCCKP\r\n"</c>, Ctrl-Z)</description></item>
/// <item><term>4 bytes</term><description>checkpoint version, uint32: 1, or 2 for a streamed run (its state also records how the data is streamed)</description></item>
/// <item><term>model</term><description>the network as a <c>.ncnet</c> model (FORMAT.md), with its own checksums</description></item>
/// <item><term>4 bytes</term><description>length S of the training state, int32</description></item>
/// <item><term>S bytes</term><description>the training state: the options it depends on (seed, batch size, sample count, shuffle; in version 2
/// then the streamed sample count as int64, chunk count and shuffle window as int32),
/// the optimizer (type name, step count, last gradient norm, state buffers in the model's element type), the random generator, the step count,
/// the best-epoch and early-stopping bookkeeping, the best parameters when kept, the sample order and the history</description></item>
/// <item><term>4 bytes</term><description>CRC-32 of the S bytes</description></item>
/// </list>
/// A checkpoint is read whole and checked before anything is changed.
/// </summary>
internal static class Checkpoint
{
    /// <summary>The checkpoint format version of a run on data in memory.</summary>
    public const uint Version = 1;

    /// <summary>The checkpoint format version of a streamed run: version 1 with the streamed data's shape after the options.</summary>
    public const uint StreamedVersion = 2;

    /// <summary>The most bytes of training state a checkpoint may declare (2 GiB − 1).</summary>
    private const int MaxStateBytes = int.MaxValue;

    /// <summary><c>"NCCKP\r\n"</c> then Ctrl-Z, like the model file's signature.</summary>
    private static ReadOnlySpan<byte> Signature => [0x4E, 0x43, 0x43, 0x4B, 0x50, 0x0D, 0x0A, 0x1A];

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically.</summary>
    public static void Write<TNet, T>(string path, ReadOnlySpan<T> parameters, Optimizer optimizer, TrainingState<T> state, DeterministicRandom random, TrainerOptions options)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] model = parameters.ToArray();
        byte[] training = WriteState(optimizer, state, random, options);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> word = stackalloc byte[sizeof(uint)];
            stream.Write(Signature);
            BinaryPrimitives.WriteUInt32LittleEndian(word, state.Streamed is null ? Version : StreamedVersion);
            stream.Write(word);
            ModelFileFormat.Write<T>(stream, TNet.Description, model);
            BinaryPrimitives.WriteInt32LittleEndian(word, training.Length);
            stream.Write(word);
            stream.Write(training);
            BinaryPrimitives.WriteUInt32LittleEndian(word, Crc32.Compute(training));
            stream.Write(word);
        });
    }

    /// <summary>
    /// Reads the checkpoint <paramref name="path"/>, checks that it belongs to this network and these options, then puts
    /// its parameters into <paramref name="parameters"/>, its optimizer state into <paramref name="optimizer"/> and its
    /// training state into <paramref name="state"/>; returns the random generator to continue with. Nothing is changed
    /// when any check fails.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not a checkpoint of this network, or is truncated or corrupted.</exception>
    /// <exception cref="ArgumentException">The checkpoint was made with other options (seed, batch size, data, optimizer).</exception>
    public static DeterministicRandom Read<TNet, T>(string path, Span<T> parameters, Optimizer optimizer, TrainingState<T> state, TrainerOptions options, int trainingCount)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var reader = new ModelReader(stream, path, intoNetwork: true);
        Span<byte> header = stackalloc byte[12];
        reader.Read(header, "the checkpoint signature and version");
        if (!header[..8].SequenceEqual(Signature))
        {
            throw Corrupt(path, 0, "is not a NetCompiler checkpoint (its first bytes are not 4E 43 43 4B 50 0D 0A 1A); a .ncnet model file is loaded with ModelFile.Load");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != Version && version != StreamedVersion)
        {
            throw Corrupt(path, 8, $"is checkpoint version {version}; this library reads versions {Version} and {StreamedVersion}");
        }

        var model = new ModelReader(stream, path, intoNetwork: true);
        var file = ModelFileFormat.ReadHeader(model, out int standardizerFeatures, out var elementType);
        ModelFileFormat.RequireSameTopology(file, TNet.Description, model);
        ModelFileFormat.RequireElementType<T>(elementType, TNet.Description, model);
        ModelFileFormat.ReadStandardizer(model, standardizerFeatures);
        T[] modelParameters = ModelFileFormat.ReadParameters<T>(model, file.ParameterCount);

        long stateOffset = 12 + model.Offset;
        Span<byte> word = stackalloc byte[sizeof(uint)];
        ReadExactly(stream, word, path, stateOffset, "the training state's length");
        int length = BinaryPrimitives.ReadInt32LittleEndian(word);
        if (length < 0 || length > MaxStateBytes || length > stream.Length - stream.Position - sizeof(uint))
        {
            throw Corrupt(path, stateOffset, $"declares {length} bytes of training state, but {stream.Length - stream.Position - sizeof(uint)} follow");
        }

        byte[] training = new byte[length];
        ReadExactly(stream, training, path, stateOffset + 4, "the training state");
        ReadExactly(stream, word, path, stateOffset + 4 + length, "the training state's checksum");
        if (BinaryPrimitives.ReadUInt32LittleEndian(word) != Crc32.Compute(training))
        {
            throw Corrupt(path, stateOffset + 4, "has a training state whose checksum does not match (the file is corrupted)");
        }

        if (stream.Position != stream.Length)
        {
            throw Corrupt(path, stream.Position, "has bytes after the training state");
        }

        var random = ReadState(training, version == StreamedVersion, path, optimizer, state, options, trainingCount, TNet.Description.Name);
        modelParameters.CopyTo(parameters);
        return random;
    }

    private static byte[] WriteState<T>(Optimizer optimizer, TrainingState<T> state, DeterministicRandom random, TrainerOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(options.Seed);
            writer.Write(options.BatchSize);
            writer.Write(state.Order.Length);
            writer.Write(options.Shuffle);
            if (state.Streamed is { } streamed)
            {
                writer.Write(streamed.Samples);
                writer.Write(streamed.Chunks);
                writer.Write(streamed.ShuffleWindow);
            }

            writer.Write(optimizer.GetType().FullName ?? optimizer.GetType().Name);
            writer.Write(optimizer.StepCount);
            writer.Write(optimizer.LastGradientNorm);
            var buffers = optimizer.State<T>();
            writer.Write(buffers.Length);
            foreach (T[] buffer in buffers)
            {
                WriteValues(writer, buffer);
            }

            writer.Write(random.State);
            writer.Write(state.Steps);
            writer.Write(state.BestValue);
            writer.Write(state.BestEpoch);
            writer.Write(state.StepsAtBest);
            writer.Write(state.EpochsWithoutImprovement);
            writer.Write(state.BestSavedValue);
            writer.Write(state.BestParameters is not null);
            if (state.BestParameters is not null)
            {
                WriteValues(writer, state.BestParameters);
            }

            foreach (int index in state.Order)
            {
                writer.Write(index);
            }

            writer.Write(state.History.Count);
            foreach (var epoch in state.History)
            {
                writer.Write(epoch.Epoch);
                writer.Write(epoch.LearningRate);
                writer.Write(epoch.TrainingLoss);
                WriteOptional(writer, epoch.TrainingMetric);
                WriteOptional(writer, epoch.ValidationLoss);
                WriteOptional(writer, epoch.ValidationMetric);
                writer.Write(epoch.Elapsed.Ticks);
            }
        }

        return memory.ToArray();
    }

    private static DeterministicRandom ReadState<T>(byte[] training, bool streamed, string path, Optimizer optimizer, TrainingState<T> state, TrainerOptions options, int trainingCount, string network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var reader = new BinaryReader(new MemoryStream(training), Encoding.UTF8);
        try
        {
            int seed = reader.ReadInt32();
            int batchSize = reader.ReadInt32();
            int count = reader.ReadInt32();
            bool shuffle = reader.ReadBoolean();
            var differences = new List<string>();
            AddDifference(differences, "Seed", seed, options.Seed);
            AddDifference(differences, "BatchSize", batchSize, options.BatchSize);
            AddDifference(differences, "training samples", count, trainingCount);
            AddDifference(differences, "Shuffle", shuffle, options.Shuffle);
            StreamedShape? shape = streamed ? new StreamedShape(reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32()) : null;
            AddDifference(differences, "data", Describe(shape), Describe(state.Streamed));

            string optimizerType = reader.ReadString();
            AddDifference(differences, "optimizer", optimizerType, optimizer.GetType().FullName ?? optimizer.GetType().Name);
            long stepCount = reader.ReadInt64();
            float lastNorm = reader.ReadSingle();
            int bufferCount = reader.ReadInt32();
            var optimizerState = optimizer.State<T>();
            AddDifference(differences, "optimizer state buffers", bufferCount, optimizerState.Length);
            if (differences.Count > 0)
            {
                throw new ArgumentException(
                    $"{network}: the checkpoint '{path}' was made with other settings ({string.Join("; ", differences)}); resume with the options and data of the run that wrote it.",
                    "options");
            }

            var buffers = new T[bufferCount][];
            for (int b = 0; b < bufferCount; b++)
            {
                buffers[b] = ReadValues<T>(reader, optimizerState[b].Length, path, "an optimizer state buffer");
            }

            ulong randomState = reader.ReadUInt64();
            long steps = reader.ReadInt64();
            float bestValue = reader.ReadSingle();
            int bestEpoch = reader.ReadInt32();
            long stepsAtBest = reader.ReadInt64();
            int epochsWithoutImprovement = reader.ReadInt32();
            float bestSavedValue = reader.ReadSingle();
            T[]? bestParameters = reader.ReadBoolean() ? ReadValues<T>(reader, optimizer.ParameterCount, path, "the best parameters") : null;
            if ((bestParameters is null) != (state.BestParameters is null))
            {
                throw new ArgumentException(
                    $"{network}: the checkpoint '{path}' was made {(bestParameters is null ? "without" : "with")} early stopping that restores the best parameters, and this run is {(bestParameters is null ? "with" : "without")} it.",
                    "options");
            }

            int[] order = new int[count];
            for (int i = 0; i < count; i++)
            {
                order[i] = reader.ReadInt32();
                if ((uint)order[i] >= (uint)count)
                {
                    throw Corrupt(path, null, $"has sample index {order[i]} in its order, outside [0, {count})");
                }
            }

            int epochs = reader.ReadInt32();
            if (epochs < 0 || epochs > training.Length)
            {
                throw Corrupt(path, null, $"declares {epochs} completed epochs");
            }

            var history = new List<EpochMetrics>(epochs);
            for (int e = 0; e < epochs; e++)
            {
                history.Add(new EpochMetrics(
                    reader.ReadInt32(),
                    reader.ReadSingle(),
                    reader.ReadSingle(),
                    ReadOptional(reader),
                    ReadOptional(reader),
                    ReadOptional(reader),
                    TimeSpan.FromTicks(reader.ReadInt64())));
            }

            if (reader.BaseStream.Position != training.Length)
            {
                throw Corrupt(path, null, "has a training state longer than its fields");
            }

            // Everything is read and checked: apply it.
            for (int b = 0; b < bufferCount; b++)
            {
                buffers[b].CopyTo(optimizerState[b], 0);
            }

            optimizer.RestoreCounters(stepCount, lastNorm);
            order.CopyTo(state.Order, 0);
            state.History.Clear();
            state.History.AddRange(history);
            state.Steps = steps;
            state.BestValue = bestValue;
            state.BestEpoch = bestEpoch;
            state.StepsAtBest = stepsAtBest;
            state.EpochsWithoutImprovement = epochsWithoutImprovement;
            state.BestSavedValue = bestSavedValue;
            bestParameters?.CopyTo(state.BestParameters!, 0);
            return DeterministicRandom.FromState(randomState);
        }
        catch (EndOfStreamException)
        {
            throw Corrupt(path, null, "ends inside its training state");
        }
    }

    private static string Describe(StreamedShape? shape) => shape is { } streamed ? $"streamed, {streamed}" : "in memory";

    private static void AddDifference<T>(List<string> differences, string what, T checkpoint, T run)
    {
        if (!EqualityComparer<T>.Default.Equals(checkpoint, run))
        {
            differences.Add($"{what}: checkpoint {checkpoint}, this run {run}");
        }
    }

    /// <summary>The length, then the values (float32 or float64, the element type of the model part).</summary>
    private static void WriteValues<T>(BinaryWriter writer, T[] values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        writer.Write(values.Length);
        foreach (T value in values)
        {
            if (typeof(T) == typeof(float))
            {
                writer.Write(float.CreateTruncating(value));
            }
            else
            {
                writer.Write(double.CreateTruncating(value));
            }
        }
    }

    private static T[] ReadValues<T>(BinaryReader reader, int expectedLength, string path, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int length = reader.ReadInt32();
        if (length != expectedLength)
        {
            throw Corrupt(path, null, $"has {length} {Kernels.Guard.ElementNames<T>()} in {what}, expected {expectedLength}");
        }

        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = typeof(T) == typeof(float) ? T.CreateTruncating(reader.ReadSingle()) : T.CreateTruncating(reader.ReadDouble());
        }

        return values;
    }

    private static void WriteOptional(BinaryWriter writer, float? value)
    {
        writer.Write(value.HasValue);
        writer.Write(value ?? 0f);
    }

    private static float? ReadOptional(BinaryReader reader)
    {
        bool has = reader.ReadBoolean();
        float value = reader.ReadSingle();
        return has ? value : null;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, long offset, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) != buffer.Length)
        {
            throw Corrupt(path, offset, $"ends inside {what} (the file is truncated)");
        }
    }

    private static ModelFormatException Corrupt(string path, long? offset, string problem) =>
        new($"'{path}' {problem}. The network and the optimizer were not changed.", path, offset);
}
