import ArgumentParser

@main
struct AssetForgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assetforge", abstract: "AssetForge")
    func run() async throws {}
}
