# Build stage: restore and publish with the SDK image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig Storefront.slnx ./
COPY Modules/ Modules/
COPY Storefront.Web/ Storefront.Web/
RUN dotnet publish Storefront.Web/Storefront.Web.csproj -c Release -o /app --nologo

# Runtime stage: the ASP.NET runtime only, as an unprivileged user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown app:app /data
ENV ASPNETCORE_URLS=http://+:8080 \
    Storefront__DataPath=/data \
    Storefront__Images__Path=/data/images
VOLUME ["/data"]
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "Storefront.Web.dll"]
